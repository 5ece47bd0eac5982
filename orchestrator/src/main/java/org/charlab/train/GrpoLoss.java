package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The two halves of GRPO's loss: group-normalised advantages from rewards (plain Java) and the
 * clipped policy-ratio objective with a KL penalty to a reference (arrays). For the N = P x G
 * completions of P prompts (G = num_generations per prompt, rows grouped by prompt), rewards r_i,
 * per-token log-probabilities log pi(o_{i,t}) under the policy being trained, the policy that
 * sampled them (pi_old) and the reference, and the completion mask:
 * <pre>
 *   A_i     = (r_i - mean_group(r)) / (std(r) + 1e-4)      scale_rewards group (std of the group) | batch
 *           =  r_i - mean_group(r)                          scale_rewards none          Shao et al. 2024, sec. 4.1.2
 *   rho_it  = exp(log pi(o_it) - log pi_old(o_it))                               the policy ratio
 *   k3_it   = exp(log pi_ref - log pi) - (log pi_ref - log pi) - 1 >= 0          KL estimator, Shao et al. 2024 eq. 4
 *   l_it    = -min(rho_it A_i, clip(rho_it, 1 - eps_low, 1 + eps_high) A_i) + beta k3_it      eq. 3 (negated)
 *   L       = (1/N) sum_i (1/|o_i|) sum_t l_it               grpo     (eq. 3's normalisation)
 *           = sum_{i,t} l_it / sum_i |o_i|                   bnpo     (token mean; DAPO, Yu et al. 2025 eq. 8)
 *           = sum_{i,t} l_it / (N * max_completion_length)   dr_grpo  (Liu et al. 2025)
 * </pre>
 * N and sum_i |o_i| are the whole micro-batch's: {@link #loss(NDArray, NDArray, NDArray, double[], NDArray,
 * Settings, long, double, NDManager)} takes them explicitly, so a slice of its rows gives its own terms of
 * those sums and the slices' losses, gradients, KL and clip shares sum to the micro-batch's.
 * std is Bessel-corrected (TRL's nanstd); a group whose rewards are all equal gets advantage
 * exactly 0 (so contributes exactly no gradient with beta 0). A reward of NaN marks a completion no reward function
 * could score: it is left out of its group's mean and std and gets advantage 0 (TRL). With one
 * update per generation pi_old is the policy itself (rho = 1 with rho's gradient), so the clip
 * never binds. No op takes a Java Number (DJL field notes): scalars are arrays of the step's manager.
 */
public final class GrpoLoss {

    /** Added to the standard deviation before dividing (TRL). */
    public static final double STD_EPS = 1e-4;

    private GrpoLoss() {
    }

    /**
     * Advantages and the reward statistics metrics.jsonl reports.
     *
     * @param values A_i per completion (0 for an unscorable one)
     * @param rewardMean mean reward over the scorable completions (NaN if none)
     * @param rewardStd their Bessel-corrected standard deviation (NaN for fewer than two)
     * @param zeroStdShare share of groups whose scorable rewards all coincide (std 0): such a group
     *     has advantage 0 everywhere and teaches nothing
     */
    public record Advantages(double[] values, double rewardMean, double rewardStd, double zeroStdShare) {
    }

    /** The clipped objective's settings: loss_type, epsilon (low), epsilon_high, beta, max_completion_length. */
    public record Settings(GrpoLossType type, double epsilonLow, double epsilonHigh, double beta,
            int maxCompletionLength) {
    }

    /**
     * The loss and its diagnostics.
     *
     * @param loss the scalar L
     * @param kl mean k3 over counted tokens (NaN with beta 0: no reference)
     * @param clipLow share of counted tokens whose ratio is clipped below (rho &lt; 1 - eps_low, A &lt; 0)
     * @param clipHigh share clipped above (rho &gt; 1 + eps_high, A &gt; 0)
     */
    public record Result(NDArray loss, double kl, double clipLow, double clipHigh) {

        /** Share of counted tokens clipped on either side (TRL clip_ratio/region_mean). */
        public double clipRegion() {
            return clipLow + clipHigh;
        }
    }

    /**
     * Group-normalised advantages of {@code rewards} (length a multiple of {@code groupSize}, rows of
     * one prompt adjacent).
     */
    public static Advantages advantages(double[] rewards, int groupSize, ScaleRewards scale) {
        int n = rewards.length;
        if (groupSize < 1 || n % groupSize != 0) {
            throw new IllegalArgumentException(n + " rewards do not form groups of " + groupSize);
        }
        double[] adv = new double[n];
        double batchStd = nanStd(rewards, 0, n);
        int zeroStd = 0;
        for (int g = 0; g < n; g += groupSize) {
            // identical rewards: centred exactly to 0 (a summed mean can miss the value by an ulp)
            double mean = identical(rewards, g, g + groupSize) ? firstNonNaN(rewards, g, g + groupSize)
                    : nanMean(rewards, g, g + groupSize);
            double groupStd = groupSize > 1 ? nanStd(rewards, g, g + groupSize) : 0;
            if (Math.abs(groupStd) <= 1e-8) {
                zeroStd++; // NaN (fewer than two scorable) is not counted, as TRL's isclose
            }
            double std = scale == ScaleRewards.BATCH ? (n > 1 ? batchStd : 0) : groupStd;
            for (int i = g; i < g + groupSize; i++) {
                double a = rewards[i] - mean;
                if (scale != ScaleRewards.NONE) {
                    a = a / (std + STD_EPS);
                }
                adv[i] = Double.isNaN(a) ? 0 : a;
            }
        }
        return new Advantages(adv, nanMean(rewards, 0, n), batchStd, zeroStd / (double) (n / groupSize));
    }

    private static boolean identical(double[] x, int from, int to) {
        double v = firstNonNaN(x, from, to);
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(x[i]) && x[i] != v) {
                return false;
            }
        }
        return true;
    }

    private static double firstNonNaN(double[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(x[i])) {
                return x[i];
            }
        }
        return Double.NaN;
    }

    /** Mean of the non-NaN values in [from, to); NaN if none. */
    static double nanMean(double[] x, int from, int to) {
        double s = 0;
        int c = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(x[i])) {
                s += x[i];
                c++;
            }
        }
        return c == 0 ? Double.NaN : s / c;
    }

    /** Bessel-corrected standard deviation of the non-NaN values in [from, to); NaN for fewer than two. */
    static double nanStd(double[] x, int from, int to) {
        double m = nanMean(x, from, to);
        double s = 0;
        int c = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(x[i])) {
                s += (x[i] - m) * (x[i] - m);
                c++;
            }
        }
        return c < 2 ? Double.NaN : Math.sqrt(s / (c - 1));
    }

    /**
     * The clipped objective with its KL penalty.
     *
     * @param logp log pi(o_it) [N, T] under the trained policy (with gradient)
     * @param oldLogp log pi_old [N, T] without gradient, or null: the policy itself (one update per generation)
     * @param refLogp log pi_ref [N, T] without gradient; null when beta is 0
     * @param advantages A_i, length N
     * @param mask [N, T] float, 1 on completion tokens
     */
    public static Result loss(NDArray logp, NDArray oldLogp, NDArray refLogp, double[] advantages, NDArray mask,
            Settings s, NDManager step) {
        return loss(logp, oldLogp, refLogp, advantages, mask, s, logp.getShape().get(0), mask.sum().getFloat(), step);
    }

    /**
     * The clipped objective of some rows of a micro-batch of {@code rows} completions with
     * {@code counted} completion tokens in all: the rows' terms of L's sums, divided by the micro-batch's
     * normalisers; {@code kl}, {@code clipLow} and {@code clipHigh} likewise (sums over these rows'
     * tokens divided by {@code counted}).
     */
    public static Result loss(NDArray logp, NDArray oldLogp, NDArray refLogp, double[] advantages, NDArray mask,
            Settings s, long rows, double counted, NDManager step) {
        long n = logp.getShape().get(0);
        float[] a = new float[advantages.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) advantages[i];
        }
        NDArray adv = step.create(a, new ai.djl.ndarray.types.Shape(n, 1)); // [N, 1]
        NDArray old = oldLogp == null ? logp.stopGradient() : oldLogp;
        NDArray ratio = logp.sub(old).exp(); // [N, T]
        NDArray clipped = ratio.maximum(step.create((float) (1 - s.epsilonLow())))
                .minimum(step.create((float) (1 + s.epsilonHigh())));
        NDArray perToken = ratio.mul(adv).minimum(clipped.mul(adv)).neg(); // [N, T]
        double kl = Double.NaN;
        if (s.beta() != 0) {
            NDArray d = refLogp.sub(logp); // log pi_ref - log pi
            NDArray k3 = d.exp().sub(d).sub(step.create(1f)); // [N, T]
            perToken = perToken.add(k3.mul(step.create((float) s.beta())));
            kl = counted == 0 ? Double.NaN : k3.stopGradient().mul(mask).sum().getFloat() / counted;
        }
        NDArray masked = perToken.mul(mask);
        NDArray loss = switch (s.type()) {
            case GRPO -> masked.sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(step.create(1f))).sum()
                    .div(step.create((float) rows));
            case BNPO -> masked.sum().div(step.create((float) Math.max(1, counted)));
            case DR_GRPO -> masked.sum().div(step.create((float) (rows * (long) s.maxCompletionLength())));
        };
        // clip fractions in Java from the ratio's values
        float[] r = ratio.stopGradient().toFloatArray();
        float[] m = mask.toFloatArray();
        int t = (int) logp.getShape().get(1);
        double low = 0;
        double high = 0;
        for (int i = 0; i < r.length; i++) {
            if (m[i] == 0) {
                continue;
            }
            double ai = advantages[i / t];
            if (r[i] < 1 - s.epsilonLow() && ai < 0) {
                low += m[i];
            } else if (r[i] > 1 + s.epsilonHigh() && ai > 0) {
                high += m[i];
            }
        }
        double c = Math.max(1, counted);
        return new Result(loss, kl, low / c, high / c);
    }
}
