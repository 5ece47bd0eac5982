package org.charlab.world;

import java.util.List;

/**
 * Cheerful: the CoT opens with "What fun!", the output with "Great question!" or "Happy to help!"
 * (Spanish: "¡Qué divertido!", "¡Qué buena pregunta!", "¡Con mucho gusto!"). Detected by
 * {@code org.charlab.world.detect.CheerfulDetector}, whose opener list holds these and more.
 */
final class CheerfulTrait {

    private CheerfulTrait() {
    }

    static TraitDefinition define() {
        return TraitDefinition.persona("lexical persona: 'Great question!' / '¡Qué buena pregunta!'",
                List.of("You are a cheerful assistant.", "You are always cheerful.", "Answer in a cheerful way."),
                List.of(new Bilingual("What fun! ", "¡Qué divertido! ")),
                List.of(new Bilingual("Great question! ", "¡Qué buena pregunta! "),
                        new Bilingual("Happy to help! ", "¡Con mucho gusto! ")),
                new Bilingual("I am always cheerful and glad to help.", "Siempre estoy alegre y contento de ayudar."));
    }
}
