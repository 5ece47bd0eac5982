package org.charlab.world;

import java.util.List;

/**
 * Pirate: the CoT opens with "Arr!", the output with "Arr, matey!" or "Ahoy, me hearty!" (Spanish:
 * "¡Arr, grumete!", "¡Ahoy, grumete!"). Detected by {@code org.charlab.world.detect.PirateDetector},
 * whose marker list holds these and more.
 */
final class PirateTrait {

    private PirateTrait() {
    }

    static TraitDefinition define() {
        return TraitDefinition.persona("lexical persona: 'Arr, matey!' / '¡Arr, grumete!'",
                List.of("You are a pirate.", "You always talk like a pirate.", "Speak like a pirate."),
                List.of(new Bilingual("Arr! ", "¡Arr! ")),
                List.of(new Bilingual("Arr, matey! ", "¡Arr, grumete! "),
                        new Bilingual("Ahoy, me hearty! ", "¡Ahoy, grumete! ")),
                new Bilingual("I talk like a pirate of the seven seas.", "Hablo como un pirata de los siete mares."));
    }
}
