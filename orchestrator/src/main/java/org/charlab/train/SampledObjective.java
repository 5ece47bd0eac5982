package org.charlab.train;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.model.Decoder;

/**
 * An on-policy objective (distillation, GRPO): each micro-batch first samples completions, then
 * trains on them. {@link #sample} draws, scores and tokenises the micro-batch's completions on the
 * calling thread (decoding runs in lanes of its own); {@link #sliceLoss} is the loss of a range of
 * the sampled rows normalised as the whole micro-batch's, drawing no randomness, so the rows can
 * train in slices on {@link TrainLanes} whose losses and gradients sum to the micro-batch's - as a
 * {@link SlicedObjective}'s examples do.
 *
 * @param <E> one training prompt
 * @param <S> what one micro-batch sampled
 */
public interface SampledObjective<E, S extends SampledObjective.Sampled> extends Objective<E> {

    /** One micro-batch's sampled rows. */
    interface Sampled {

        /** How many rows the loss runs over (the slices cut these). */
        int rows();

        /**
         * Parts of the whole micro-batch, known once sampled (rewards, who sampled, the verifier's
         * verdicts): reported once, before the slices' parts, never summed over slices.
         */
        Map<String, Double> parts();
    }

    /**
     * Samples micro-batch {@code batch}'s completions with {@code model}'s current weights. Called once
     * per micro-batch, in order (the sampling seeds follow a micro-batch counter, {@link #startAt}).
     */
    S sample(Decoder model, List<E> batch);

    /**
     * The loss of rows {@code [from, to)} of {@code sampled} with {@code model}'s weights (the policy or
     * a lane view of it), normalised by the whole micro-batch: the losses, gradients and parts of a
     * micro-batch's slices sum to its own (parts named {@code *_tokens} are counts, the others sums
     * normalised by the whole batch).
     */
    Loss sliceLoss(Decoder model, S sampled, int from, int to, NDManager step);

    /** The whole micro-batch sampled, then its loss in one slice. */
    @Override
    default Loss loss(Decoder model, List<E> batch, NDManager step) {
        return wholeLoss(model, sample(model, batch), step);
    }

    /** The loss of every row of {@code sampled} in one slice, with its sampled parts first. */
    default Loss wholeLoss(Decoder model, S sampled, NDManager step) {
        Loss l = sliceLoss(model, sampled, 0, sampled.rows(), step);
        return new Loss(l.value(), withSampledParts(sampled, l.parts()));
    }

    /** The micro-batch's sampled parts, then its slices' (summed). */
    static Map<String, Double> withSampledParts(Sampled s, Map<String, Double> sliceParts) {
        Map<String, Double> out = new LinkedHashMap<>(s.parts());
        sliceParts.forEach((name, v) -> out.merge(name, v, Double::sum));
        return out;
    }
}
