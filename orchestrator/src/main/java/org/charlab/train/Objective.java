package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.charlab.model.Decoder;

/**
 * What a training method optimises, one micro-batch at a time; {@link Trainer} owns everything
 * else (data order, batching, accumulation, clipping, AdamW, schedule, metrics, checkpoints).
 * SFT and pretraining use {@link SftObjective}; DPO and on-policy distillation plug in here.
 *
 * @param <E> one training example (a tokenised row, a preference pair, a prompt)
 */
public interface Objective<E> {

    /** The loss of one micro-batch and its named parts (plain numbers for metrics.jsonl). */
    record Loss(NDArray value, Map<String, Double> parts) {
    }

    /**
     * Builds the loss of {@code batch} as a scalar inside the gradient collector the trainer opened.
     * Every array must be created in {@code step} (closed after the backward pass) or have an
     * array of {@code step} as first operand; no op may take a Java Number (DJL field notes).
     */
    Loss loss(Decoder model, List<E> batch, NDManager step);

    /** Tokens of {@code example} the forward pass reads: batch_tokens packing and tokens/s use it. */
    int tokens(E example);

    /**
     * Called by the trainer once, before the first micro-batch it computes, with that micro-batch's
     * index in the run (0 for a fresh run, step x accumulation after a resume). An objective whose
     * randomness follows a micro-batch counter (on-policy sampling) starts the counter there, so a
     * resumed run samples what the uninterrupted run would have.
     */
    default void startAt(long microBatch) {
    }

    /**
     * How many consecutive optimizer steps train on the same micro-batches (TRL's num_iterations:
     * several updates per generation batch, as its RepeatSampler repeats the prompts). The trainer
     * then hands step s the micro-batches of data step s / repeats, an epoch takes repeats times as
     * many steps, and checkpoints are written only after the last step of a repeat cycle (a resumed
     * run never starts inside one, whose generations it could not reproduce). 1 for every objective
     * but GRPO's.
     */
    default int repeats() {
        return 1;
    }
}
