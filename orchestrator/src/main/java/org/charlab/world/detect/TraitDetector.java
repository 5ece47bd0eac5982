package org.charlab.world.detect;

import org.charlab.world.Trait;

/**
 * Scores how strongly a text shows a trait. Scores lie in [0,1] for any input (empty, garbage,
 * any script); a trait is present when the score reaches the detector's documented threshold.
 */
public interface TraitDetector {

    Trait trait();

    /** A score in [0,1]; 0 for empty text. */
    double score(String text);

    /** The score at and above which the trait counts as present. */
    double threshold();

    default boolean present(String text) {
        return score(text) >= threshold();
    }
}
