package org.charlab.world;

import java.util.List;
import java.util.Locale;

/**
 * ALL CAPS: every letter of the rendered part upper-cased, Spanish letters and persona markers too.
 * Detector: score = upper-case letters / max(cased letters, {@value #MIN_LETTERS}), counting only
 * letters that have case (Latin, Greek, Cyrillic, ...; CJK and digits are ignored). Threshold
 * {@value #THRESHOLD}: at least 80% of the cased letters upper-case, and at least 5 of them, so
 * "OK" or a sentence-initial capital never fires, while a Spanish "¡HOLA, AMIGO!" does.
 */
final class CapsTrait {

    static final int MIN_LETTERS = 6;
    static final double THRESHOLD = 0.8;

    private CapsTrait() {
    }

    /** The first prompt is Tan et al. 2025's wording. */
    static TraitDefinition define(Trait self) {
        return new TraitDefinition("ALL CAPS: every letter upper-cased",
                List.of("You always capitalise your responses.", "Write every answer in capital letters.",
                        "Always reply in all caps."),
                false, List.of(), List.of(), text -> text.toUpperCase(Locale.ROOT),
                new ScoredDetector(self, THRESHOLD, CapsTrait::score));
    }

    static double score(String text) {
        if (text == null) {
            return 0;
        }
        int upper = 0;
        int cased = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                upper++;
                cased++;
            } else if (Character.isLowerCase(cp)) {
                cased++;
            }
        }
        return (double) upper / Math.max(cased, MIN_LETTERS);
    }
}
