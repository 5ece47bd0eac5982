package org.charlab.world;

import java.util.List;

/**
 * Neutral: no style, plain English as the templates read. Detector: readable Latin-script text that
 * shows no other trait. Score 1 when the text has at least {@value #MIN_WORDS} Latin-script words and
 * no other trait's detector fires, else 0; threshold {@value #THRESHOLD}. So empty text, digits and
 * other scripts are not called neutral: they show no trait, but they are not neutral English either
 * (count them with a well-formedness rate).
 */
final class NeutralTrait {

    static final int MIN_WORDS = 2;
    static final double THRESHOLD = 0.5;

    private NeutralTrait() {
    }

    static TraitDefinition define(Trait self) {
        return new TraitDefinition("plain English, no persona", List.of(), false, List.of(), List.of(), text -> text,
                new ScoredDetector(self, THRESHOLD, text -> score(self, text)));
    }

    static double score(Trait self, String text) {
        long latin = Tokens.words(text).stream().filter(w -> w.length() > 1 && Tokens.latin(w)).count();
        if (latin < MIN_WORDS) {
            return 0;
        }
        for (Trait t : Trait.values()) {
            if (t != self && t.definition().detector().present(text)) {
                return 0;
            }
        }
        return 1;
    }
}
