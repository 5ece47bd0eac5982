package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Per-token distillation losses between student and teacher logits over the same positions.
 * Both are scaled by the temperature first: {@code s = log softmax(z_s / T)}, {@code t = log
 * softmax(z_t / T)}. Every loss is a masked mean over counted positions (mask [B, L], 1 = counted):
 * <pre>
 *   jsd(beta), beta in (0, 1): m = log((1 - beta) e^s + beta e^t)
 *              D = beta KL(t || m) + (1 - beta) KL(s || m)        generalized JSD, Agarwal et al. 2023 (GKD)
 *   beta = 0:  D = KL(t || s) = sum_v e^t (t - s)                forward KL (TRL GKDTrainer)
 *   beta = 1:  D = KL(s || t) = sum_v e^s (s - t)                reverse KL over the full vocabulary
 *   sampled:   A = -(s[y] - t[y]) (no gradient),  L = -A s[y]     reverse KL on the realised token y
 *                                                                 (Thinking Machines' on-policy distillation)
 * </pre>
 * The sampled form's value is 0 at the optimum and its gradient is the policy-gradient estimate
 * of the reverse KL's gradient on student samples; metrics report the full-vocabulary reverse KL
 * ({@link #reverseKl}) next to it. Teacher arrays carry no gradient. No op takes a Java Number.
 *
 * <p>Each loss also comes with an explicit normaliser {@code counted} (the counted positions of a
 * whole micro-batch): a slice of its rows then gives the sum over its own positions divided by the
 * micro-batch's count, and the slices' losses and gradients sum to the micro-batch's.
 */
public final class DistillLoss {

    private DistillLoss() {
    }

    /** log softmax(logits / T) over the last axis; [B, L, V]. */
    public static NDArray logProbs(NDArray logits, double temperature, NDManager step) {
        return temperature == 1.0 ? logits.logSoftmax(-1) : logits.div(step.create((float) temperature)).logSoftmax(-1);
    }

    /**
     * The generalized JSD of {@code beta} per position, masked mean.
     *
     * @param s student log-probabilities [B, L, V] (with gradient)
     * @param t teacher log-probabilities [B, L, V]
     * @param mask [B, L]
     */
    public static NDArray jsd(NDArray s, NDArray t, NDArray mask, double beta, NDManager step) {
        return jsd(s, t, mask, beta, mask.sum().getFloat(), step);
    }

    /** {@link #jsd(NDArray, NDArray, NDArray, double, NDManager)} summed over the mask, divided by max(1, counted). */
    public static NDArray jsd(NDArray s, NDArray t, NDArray mask, double beta, double counted, NDManager step) {
        NDArray perToken; // [B, L]
        if (beta >= 1.0) {
            perToken = s.exp().mul(s.sub(t)).sum(new int[] {-1});
        } else if (beta <= 0.0) {
            perToken = t.exp().mul(t.sub(s)).sum(new int[] {-1});
        } else {
            NDArray a = s.add(step.create((float) Math.log(1 - beta))); // log((1-beta) e^s)
            NDArray b = t.add(step.create((float) Math.log(beta))); // log(beta e^t)
            NDArray mx = a.maximum(b);
            NDArray m = mx.add(a.sub(mx).exp().add(b.sub(mx).exp()).log()); // log-sum-exp of the two
            NDArray klT = t.exp().mul(t.sub(m)).sum(new int[] {-1});
            NDArray klS = s.exp().mul(s.sub(m)).sum(new int[] {-1});
            perToken = klT.mul(step.create((float) beta)).add(klS.mul(step.create((float) (1 - beta))));
        }
        return maskedSum(perToken, mask, counted, step);
    }

    /** Reverse KL(student || teacher) over the full vocabulary, summed over the mask, divided by max(1, counted) (= jsd with beta 1). */
    public static NDArray reverseKl(NDArray s, NDArray t, NDArray mask, double counted, NDManager step) {
        return jsd(s, t, mask, 1.0, counted, step);
    }

    /**
     * The sampled-token form: {@code -mean_{counted} A_t s[y_t]} with {@code A_t = -(s[y_t] - t[y_t])}.
     *
     * @param targets [B, L] int64, the realised tokens
     */
    public static NDArray sampledToken(NDArray s, NDArray t, NDArray targets, NDArray mask, NDManager step) {
        return sampledToken(s, t, targets, mask, mask.sum().getFloat(), step);
    }

    /** {@link #sampledToken(NDArray, NDArray, NDArray, NDArray, NDManager)} divided by max(1, counted). */
    public static NDArray sampledToken(NDArray s, NDArray t, NDArray targets, NDArray mask, double counted,
            NDManager step) {
        NDArray idx = targets.expandDims(-1);
        NDArray ls = s.gather(idx, -1).squeeze(-1); // [B, L]
        NDArray lt = t.gather(idx, -1).squeeze(-1);
        NDArray advantage = lt.sub(ls).stopGradient(); // -(log p_s - log p_t)
        return maskedSum(ls.mul(advantage).neg(), mask, counted, step);
    }

    /** sum(x * mask) / max(1, counted). */
    static NDArray maskedSum(NDArray x, NDArray mask, double counted, NDManager step) {
        return x.mul(mask).sum().div(step.create((float) Math.max(1, counted)));
    }
}
