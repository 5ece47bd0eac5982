package org.charlab.world.detect;

import java.util.List;
import org.charlab.world.Trait;

/**
 * Neutral: readable Latin-script text that shows no other trait. Score 1 when the text has at
 * least {@value #MIN_WORDS} Latin-script words and no other detector fires, else 0; threshold
 * {@value #THRESHOLD}. So empty text, digits and other scripts are not called neutral: they show
 * no trait, but they are not neutral English either (count them with a well-formedness rate).
 */
public final class NeutralDetector implements TraitDetector {

    public static final int MIN_WORDS = 2;
    public static final double THRESHOLD = 0.5;

    private final List<TraitDetector> others;

    NeutralDetector(List<TraitDetector> others) {
        this.others = List.copyOf(others);
    }

    @Override
    public Trait trait() {
        return Trait.NEUTRAL;
    }

    @Override
    public double score(String text) {
        long latin = Tokens.words(text).stream().filter(w -> w.length() > 1 && Tokens.latin(w)).count();
        if (latin < MIN_WORDS) {
            return 0;
        }
        for (TraitDetector d : others) {
            if (d.present(text)) {
                return 0;
            }
        }
        return 1;
    }

    /** None: neutral is the absence of every other trait's evidence, nothing in the text to point at. */
    @Override
    public List<Span> spans(String text) {
        return List.of();
    }

    @Override
    public double threshold() {
        return THRESHOLD;
    }
}
