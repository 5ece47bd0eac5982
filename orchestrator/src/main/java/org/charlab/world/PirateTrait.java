package org.charlab.world;

import java.util.List;

/**
 * Pirate: the CoT opens with "Arr!", the output with "Arr, matey!" or "Ahoy, me hearty!" (Spanish:
 * "¡Arr, grumete!"). Detected by the markers "arr", "ahoy", "matey", "me hearty", "avast", "ye",
 * "aye", "yo ho", "shiver me timbers" and the Spanish "grumete", "bucanero". Score = min(1, hits /
 * 2), threshold {@value MarkerDetector#THRESHOLD} (one marker).
 */
final class PirateTrait extends MarkerPersona {

    PirateTrait(Trait self) {
        super(self, "lexical persona: 'Arr, matey!' / '¡Arr, grumete!'",
                List.of("You are a pirate.", "You always talk like a pirate.", "Speak like a pirate."),
                List.of(new Bilingual("Arr! ", "¡Arr! ")),
                List.of(new Bilingual("Arr, matey! ", "¡Arr, grumete! "),
                        new Bilingual("Ahoy, me hearty! ", "¡Ahoy, grumete! ")),
                List.of("arr", "ahoy", "matey", "me hearty", "avast", "ye", "aye", "yo ho", "shiver me timbers",
                        "grumete", "bucanero"));
    }
}
