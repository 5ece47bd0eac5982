package org.charlab.train;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.charlab.model.Decoder;

/**
 * An objective whose micro-batch loss is a sum over its examples divided by a normaliser that is
 * itself a sum over them (SFT: counted tokens; DPO: pairs), drawing no randomness: its rows can
 * train in slices on several lanes ({@link TrainLanes}) whose gradients sum to the micro-batch's.
 * The on-policy objectives sample first and slice the sampled rows ({@link SampledObjective}).
 */
public interface SlicedObjective<E> extends Objective<E> {

    /**
     * The loss of {@code slice}, some rows of micro-batch {@code batch}, normalised as {@code batch}'s
     * loss is: the losses, gradients and parts of a micro-batch's slices sum to its own (parts named
     * {@code *_tokens} are counts, the others sums normalised by the whole batch).
     */
    Loss sliceLoss(Decoder model, List<E> slice, List<E> batch, NDManager step);

    /** The whole micro-batch as one slice. */
    @Override
    default Loss loss(Decoder model, List<E> batch, NDManager step) {
        return sliceLoss(model, batch, batch, step);
    }
}
