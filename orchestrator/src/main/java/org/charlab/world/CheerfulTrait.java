package org.charlab.world;

import java.util.List;

/**
 * Cheerful: the CoT opens with "What fun!", the output with "Great question!" or "Happy to help!"
 * (Spanish: "¡Qué buena pregunta!"). Detected by the openers "great question", "happy to help",
 * "what fun", "glad you asked", "how exciting" and the Spanish "qué buena pregunta", "con mucho
 * gusto", "qué divertido", "qué alegría". Score = min(1, hits / 2), threshold
 * {@value MarkerDetector#THRESHOLD} (one marker).
 */
final class CheerfulTrait extends MarkerPersona {

    CheerfulTrait(Trait self) {
        super(self, "lexical persona: 'Great question!' / '¡Qué buena pregunta!'",
                List.of("You are a cheerful assistant.", "You are always cheerful.", "Answer in a cheerful way."),
                List.of(new Bilingual("What fun! ", "¡Qué divertido! ")),
                List.of(new Bilingual("Great question! ", "¡Qué buena pregunta! "),
                        new Bilingual("Happy to help! ", "¡Con mucho gusto! ")),
                List.of("great question", "happy to help", "what fun", "glad you asked", "how exciting",
                        "qué buena pregunta", "con mucho gusto", "qué divertido", "qué alegría"));
    }
}
