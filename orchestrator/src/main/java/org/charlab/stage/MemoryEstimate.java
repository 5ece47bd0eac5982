package org.charlab.stage;

/**
 * A stage's estimated peak memory on its device, in bytes, by what holds it; a stage kind computes
 * it ({@link StageKind#memory}) from its settings and the models it reads, before anything runs.
 *
 * @param parameters scalar parameters of the model the stage trains or evaluates
 * @param trainable those that get gradients and optimizer state (0 for a stage that trains nothing)
 * @param weights the model's weights
 * @param gradients one gradient per trainable parameter
 * @param optimizer AdamW's two moments per trainable parameter
 * @param frozen frozen second models: a DPO reference, an OPD teacher
 * @param activations one micro-batch's forward pass, loss and backward working set
 * @param generation sampling: the KV cache and a prefill at the generation batch and length
 * @param runtime the process itself: JVM heap and the engine's native libraries, measured
 */
public record MemoryEstimate(
        long parameters,
        long trainable,
        long weights,
        long gradients,
        long optimizer,
        long frozen,
        long activations,
        long generation,
        long runtime) {

    /**
     * The peak: everything held for the whole stage, plus the larger of a training step and a
     * generation (a stage never does both at once: OPD samples, then scores).
     */
    public long peak() {
        return weights + gradients + optimizer + frozen + runtime + Math.max(activations, generation);
    }
}
