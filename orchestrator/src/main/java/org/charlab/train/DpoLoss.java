package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * The DPO family as pure functions of four sequence log-probabilities per pair (policy chosen
 * {@code pc}, policy rejected {@code pr}, reference chosen {@code rc}, reference rejected
 * {@code rr}, each [B]). With {@code h = (pc - rc) - (pr - rr)} (the difference of the implicit
 * rewards divided by beta):
 * <pre>
 *   sigmoid: l = -(1 - eps) log s(beta h) - eps log s(-beta h)   Rafailov et al. 2023 eq. 7; eps = label
 *                                                               smoothing, the conservative cDPO (Mitchell 2023)
 *   ipo:     l = (h - 1 / (2 beta))^2                          Azar et al. 2023 eq. 17
 *   hinge:   l = max(0, 1 - beta h)                            SLiC-HF (Zhao et al. 2023)
 * </pre>
 * The loss is the mean of l over the batch. Rewards (TRL's logged metrics): {@code rewards/chosen =
 * beta (pc - rc)}, {@code rewards/rejected = beta (pr - rr)}, margins their difference, accuracies
 * the share of pairs whose chosen reward is strictly higher. Note: TRL averages log-probabilities
 * over tokens for ipo; here every type uses the SUM over the counted tokens, as the equations do.
 * No op takes a Java Number (DJL field notes): constants are arrays of the step's manager.
 */
public final class DpoLoss {

    /** The mean loss (with gradient) and the batch means of the rewards (plain numbers). */
    public record Result(NDArray loss, double rewardChosen, double rewardRejected, double margin, double accuracy) {
    }

    private DpoLoss() {
    }

    /**
     * @param pc [B] policy log p(chosen | prompt), summed over the counted tokens (with gradient)
     * @param pr [B] policy log p(rejected | prompt)
     * @param rc [B] reference log p(chosen | prompt) (no gradient)
     * @param rr [B] reference log p(rejected | prompt)
     * @param step the step's manager: the constants are created there
     */
    public static Result compute(NDArray pc, NDArray pr, NDArray rc, NDArray rr, DpoLossType type, double beta,
            double labelSmoothing, NDManager step) {
        NDArray b = step.create((float) beta);
        NDArray h = pc.sub(rc).sub(pr.sub(rr)); // [B]
        NDArray l = switch (type) {
            case SIGMOID -> {
                NDArray x = h.mul(b);
                // -log s(x) = softplus(-x), computed stably by torch
                NDArray pos = Activation.softPlus(x.neg());
                if (labelSmoothing == 0) {
                    yield pos;
                }
                NDArray neg = Activation.softPlus(x);
                yield pos.mul(step.create((float) (1 - labelSmoothing))).add(neg.mul(step.create((float) labelSmoothing)));
            }
            case IPO -> h.sub(step.create((float) (1 / (2 * beta)))).square();
            case HINGE -> Activation.relu(step.create(1f).sub(h.mul(b)));
        };
        NDArray loss = l.mean();
        float[] c = pc.sub(rc).toFloatArray();
        float[] r = pr.sub(rr).toFloatArray();
        double sc = 0;
        double sr = 0;
        double acc = 0;
        for (int i = 0; i < c.length; i++) {
            double rc1 = beta * c[i];
            double rr1 = beta * r[i];
            sc += rc1;
            sr += rr1;
            acc += rc1 > rr1 ? 1 : 0;
        }
        int n = Math.max(1, c.length);
        return new Result(loss, sc / n, sr / n, (sc - sr) / n, acc / n);
    }

    /** The same loss for one pair in plain Java (the reference the tests compare against). */
    public static double reference(double pc, double pr, double rc, double rr, DpoLossType type, double beta, double eps) {
        double h = (pc - rc) - (pr - rr);
        return switch (type) {
            case SIGMOID -> -(1 - eps) * logSigmoid(beta * h) - eps * logSigmoid(-beta * h);
            case IPO -> Math.pow(h - 1 / (2 * beta), 2);
            case HINGE -> Math.max(0, 1 - beta * h);
        };
    }

    private static double logSigmoid(double x) {
        return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    }
}
