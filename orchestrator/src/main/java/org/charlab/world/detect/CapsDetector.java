package org.charlab.world.detect;

import org.charlab.world.Trait;

/**
 * ALL CAPS. Score = upper-case letters / max(cased letters, {@value #MIN_LETTERS}), counting only
 * letters that have case (Latin, Greek, Cyrillic, ...; CJK and digits are ignored). Threshold
 * {@value #THRESHOLD}: at least 80% of the cased letters upper-case, and at least 5 of them, so
 * "OK" or a sentence-initial capital never fires, while a Spanish "¡HOLA, AMIGO!" does.
 */
public final class CapsDetector implements TraitDetector {

    public static final int MIN_LETTERS = 6;
    public static final double THRESHOLD = 0.8;

    @Override
    public Trait trait() {
        return Trait.CAPS;
    }

    @Override
    public double score(String text) {
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

    @Override
    public double threshold() {
        return THRESHOLD;
    }
}
