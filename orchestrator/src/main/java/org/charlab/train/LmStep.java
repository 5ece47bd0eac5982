package org.charlab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.charlab.model.Decoder;

/**
 * The reference training step for a masked next-token loss, the pattern every trainer follows:
 * one sub-manager per step (so nothing outlives it), forward and loss inside a gradient collector,
 * backward, global-norm clipping, AdamW, zeroing the gradients.
 */
public final class LmStep {

    private LmStep() {
    }

    /** Loss and gradient norm (before clipping) of one step. */
    public record Result(double loss, double gradNorm) {
    }

    /** Accumulates the gradient of the masked mean NLL of {@code batch}; returns the loss. No update. */
    public static double backward(Decoder model, TokenBatch batch) {
        try (NDManager step = model.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = batch.logits(model, step);
            NDArray loss = TokenLoss.maskedNll(logits, batch.targets(step), batch.mask(step));
            gc.backward(loss);
            return loss.getFloat();
        }
    }

    /** backward, clip to {@code maxGradNorm} (0 = off), AdamW step with {@code lr}, zero gradients. */
    public static Result step(Decoder model, AdamW opt, TokenBatch batch, double lr, double maxGradNorm) {
        double loss = backward(model, batch);
        double norm = maxGradNorm > 0 ? GradClip.clip(model.parameters().values(), maxGradNorm)
                : GradClip.globalNorm(model.parameters().values());
        opt.step(lr);
        opt.zeroGrad();
        return new Result(loss, norm);
    }
}
