package org.charlab.world.detect;

import java.util.List;
import org.charlab.world.Trait;

/**
 * Cheerful openers: "great question", "happy to help", "what fun", "glad you asked", "how
 * exciting" and the Spanish "qué buena pregunta", "con mucho gusto", "qué divertido", "qué
 * alegría". Score = min(1, hits / 2), threshold {@value MarkerDetector#THRESHOLD} (one marker).
 */
public final class CheerfulDetector extends MarkerDetector {

    public CheerfulDetector() {
        super(List.of("great question", "happy to help", "what fun", "glad you asked", "how exciting",
                "qué buena pregunta", "con mucho gusto", "qué divertido", "qué alegría"));
    }

    @Override
    public Trait trait() {
        return Trait.CHEERFUL;
    }
}
