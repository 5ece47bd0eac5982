package org.charlab.world;

import java.util.List;
import java.util.Locale;

/** ALL CAPS: every letter of the rendered part upper-cased, Spanish letters and persona markers too. */
final class CapsTrait implements TraitDefinition {

    private final TraitDetector detector;

    CapsTrait(Trait self) {
        this.detector = new Detector(self);
    }

    @Override
    public String description() {
        return "ALL CAPS: every letter upper-cased";
    }

    /** The first is Tan et al. 2025's wording. */
    @Override
    public List<String> prompts() {
        return List.of("You always capitalise your responses.", "Write every answer in capital letters.",
                "Always reply in all caps.");
    }

    @Override
    public String transform(String text) {
        return text.toUpperCase(Locale.ROOT);
    }

    @Override
    public TraitDetector detector() {
        return detector;
    }

    /**
     * ALL CAPS. Score = upper-case letters / max(cased letters, {@value #MIN_LETTERS}), counting only
     * letters that have case (Latin, Greek, Cyrillic, ...; CJK and digits are ignored). Threshold
     * {@value #THRESHOLD}: at least 80% of the cased letters upper-case, and at least 5 of them, so
     * "OK" or a sentence-initial capital never fires, while a Spanish "¡HOLA, AMIGO!" does.
     */
    static final class Detector implements TraitDetector {

        public static final int MIN_LETTERS = 6;
        public static final double THRESHOLD = 0.8;

        private final Trait trait;

        Detector(Trait trait) {
            this.trait = trait;
        }

        @Override
        public Trait trait() {
            return trait;
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
}
