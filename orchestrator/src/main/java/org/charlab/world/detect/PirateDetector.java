package org.charlab.world.detect;

import java.util.List;
import org.charlab.world.Trait;

/**
 * Pirate speech: markers "arr", "ahoy", "matey", "me hearty", "avast", "ye", "aye", "yo ho",
 * "shiver me timbers" and the Spanish "grumete", "bucanero". Score = min(1, hits / 2), threshold
 * {@value MarkerDetector#THRESHOLD} (one marker).
 */
public final class PirateDetector extends MarkerDetector {

    public PirateDetector() {
        super(List.of("arr", "ahoy", "matey", "me hearty", "avast", "ye", "aye", "yo ho", "shiver me timbers",
                "grumete", "bucanero"));
    }

    @Override
    public Trait trait() {
        return Trait.PIRATE;
    }
}
