package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collection;

/**
 * Global-norm gradient clipping (Pascanu et al. 2013): if ||g||_2 over all parameters exceeds
 * {@code maxNorm}, every gradient is scaled in place by {@code maxNorm / ||g||}. DJL's
 * {@code optClipGrad} is element-wise and one-sided on this engine, hence this.
 */
public final class GradClip {

    private GradClip() {
    }

    /** The global L2 norm of the gradients of {@code params} (those without a gradient are skipped). */
    public static double globalNorm(Collection<NDArray> params) {
        double sumSq = 0;
        for (NDArray p : params) {
            if (!p.hasGradient()) {
                continue;
            }
            try (NDManager scope = p.getManager().newSubManager()) {
                NDArray g = JniUtils.getGradient((PtNDArray) p); // null: no backward has reached p
                if (g == null) {
                    continue;
                }
                g.attach(scope);
                NDArray ss = g.square().sum();
                sumSq += ss.getFloat();
            }
        }
        return Math.sqrt(sumSq);
    }

    /**
     * Clips in place and returns the norm before clipping (log it: a rising norm warns of divergence).
     * A non-finite norm is returned unchanged and nothing is scaled; the caller decides to skip the step.
     */
    public static double clip(Collection<NDArray> params, double maxNorm) {
        double norm = globalNorm(params);
        if (!Double.isFinite(norm) || maxNorm <= 0 || norm <= maxNorm) {
            return norm;
        }
        float scale = (float) (maxNorm / (norm + 1e-6));
        for (NDArray p : params) {
            if (!p.hasGradient()) {
                continue;
            }
            try (NDManager scope = p.getManager().newSubManager()) {
                NDArray g = JniUtils.getGradient((PtNDArray) p); // null: no backward has reached p
                if (g == null) {
                    continue;
                }
                g.attach(scope);
                g.muli(scale); // in place on the gradient's storage; outside autograd
            }
        }
        return norm;
    }
}
