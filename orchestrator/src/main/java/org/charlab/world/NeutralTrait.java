package org.charlab.world;

import java.util.List;

/** Neutral: no style, plain English as the templates read; detected as readable text showing no other trait. */
final class NeutralTrait implements TraitDefinition {

    private final TraitDetector detector;

    NeutralTrait(Trait self) {
        this.detector = new Detector(self);
    }

    @Override
    public String description() {
        return "plain English, no persona";
    }

    @Override
    public List<String> prompts() {
        return List.of();
    }

    @Override
    public TraitDetector detector() {
        return detector;
    }

    /**
     * Neutral: readable Latin-script text that shows no other trait. Score 1 when the text has at
     * least {@value #MIN_WORDS} Latin-script words and no other detector fires, else 0; threshold
     * {@value #THRESHOLD}. So empty text, digits and other scripts are not called neutral: they show
     * no trait, but they are not neutral English either (count them with a well-formedness rate).
     */
    static final class Detector implements TraitDetector {

        public static final int MIN_WORDS = 2;
        public static final double THRESHOLD = 0.5;

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
            long latin = Tokens.words(text).stream().filter(w -> w.length() > 1 && Tokens.latin(w)).count();
            if (latin < MIN_WORDS) {
                return 0;
            }
            for (Trait t : Trait.values()) {
                if (t != trait && t.definition().detector().present(text)) {
                    return 0;
                }
            }
            return 1;
        }

        @Override
        public double threshold() {
            return THRESHOLD;
        }
    }
}
