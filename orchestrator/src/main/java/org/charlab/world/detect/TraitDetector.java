package org.charlab.world.detect;

import java.util.List;
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

    /**
     * The stretches of {@code text} this detector counts as evidence for its trait, in text order and
     * not overlapping: what a reader sees highlighted in a transcript. Reads the same tokens as
     * {@link #score} without changing it; empty for empty text and for a detector whose evidence is
     * an absence (neutral). A span says where the evidence is, not that the trait is present:
     * {@link #present} decides that.
     */
    List<Span> spans(String text);

    default boolean present(String text) {
        return score(text) >= threshold();
    }
}
