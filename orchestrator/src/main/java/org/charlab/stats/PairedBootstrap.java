package org.charlab.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;

/**
 * Paired bootstrap for the difference between two runs or arms evaluated on the same prompts:
 * prompts are drawn with replacement and the SAME draw is applied to both arms, so prompt
 * difficulty, shared by the arms, cancels (Miller 2024: compare models with paired differences).
 *
 * <p>Estimate: pooled mean of A minus pooled mean of B (each a ratio of sums over the drawn
 * prompts when prompts have several samples). BCa uses the leave-one-prompt-out jackknife of
 * the difference.
 *
 * <p>Two-sided p-value for "the difference is 0": with B resamples and d* the bootstrap
 * differences, p = min(1, 2 (1 + min(#{d* <= 0}, #{d* >= 0})) / (B + 1)): the share of bootstrap
 * differences on the far side of 0, doubled, with the +1 correction of Davison and Hinkley (1997,
 * eq. 4.11) so that p is never 0 and a reported p cannot be below 2/(B+1). It inverts the
 * percentile interval: p < 1 - level exactly when 0 lies outside the percentile interval, up to
 * the +1 correction. Under no real difference it is close to uniform on (0, 1).
 */
public final class PairedBootstrap {

    private PairedBootstrap() {
    }

    /** a[i] and b[i] are the scores of the two arms on prompt i (one value per prompt). */
    public static PairedDifference difference(double[] a, double[] b, Method method, double level, int resamples,
                                              long seed) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired arms differ in length: " + a.length + " vs " + b.length);
        }
        int n = a.length;
        double[] d = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            d[i] = a[i] - b[i];
            total += d[i];
        }
        Resampling.checkArgs(level, resamples);
        Resampling.checkBootstrapMethod(method);
        if (n < 2) {
            return undefined(n == 0 ? "no observations" : "a bootstrap needs at least 2 prompts, got 1", method,
                    level, resamples, seed, n, n, "paired");
        }
        double[] reps = Bootstrap.meanReplicates(d, resamples, seed);
        double p = pValue(reps);
        double[] jack = method == Method.BCA ? Bootstrap.jackknifeMeans(d, total) : null;
        Interval iv = Bootstrap.fromReplicates(total / n, reps, jack, method, level, seed, n, n, "paired");
        return new PairedDifference(iv, iv.isDefined() ? p : Double.NaN);
    }

    /**
     * Arms with several samples per prompt: clusters are matched by their ids, and every prompt
     * must appear in both arms (IllegalArgumentException naming the first one that does not).
     */
    public static PairedDifference difference(Clusters a, Clusters b, Method method, double level, int resamples,
                                              long seed) {
        Paired r = paired(a, b, (x, y) -> x - y, "paired-cluster", method, level, resamples, seed);
        return new PairedDifference(r.interval, r.interval.isDefined() ? r.pValue : Double.NaN);
    }

    /**
     * Ratio of pooled means, mean(A) / mean(B), over the same prompts resampled together (for
     * example the CoT generalization ratio: CoT rate / output rate on the same samples). Undefined
     * when mean(B) is 0 on the data or on any resample: a ratio over zero has no value, and
     * dropping those resamples would bias the interval.
     */
    public static Interval ratio(Clusters a, Clusters b, Method method, double level, int resamples, long seed) {
        return paired(a, b, (x, y) -> y == 0 ? Double.NaN : x / y, "paired-cluster-ratio", method, level,
                resamples, seed).interval;
    }

    /** An interval with the p-value of its replicates (NaN when there are none). */
    private record Paired(Interval interval, double pValue) {
    }

    /** Resamples prompts once for both arms and applies combine(mean A, mean B) to each resample. */
    private static Paired paired(Clusters a, Clusters b, DoubleBinaryOperator combine, String scheme, Method method,
                                   double level, int resamples, long seed) {
        Resampling.checkArgs(level, resamples);
        Resampling.checkBootstrapMethod(method);
        int k = a.size();
        if (b.size() != k) {
            throw new IllegalArgumentException("paired arms have different prompts: " + k + " vs " + b.size());
        }
        Map<Integer, Integer> inB = new HashMap<>();
        for (int i = 0; i < k; i++) {
            inB.put(b.id(i), i);
        }
        // Align B's per-prompt sums and counts to A's order.
        double[] sa = a.sums;
        int[] ca = a.counts;
        double[] sb = new double[k];
        int[] cb = new int[k];
        for (int i = 0; i < k; i++) {
            Integer j = inB.get(a.id(i));
            if (j == null) {
                throw new IllegalArgumentException("prompt " + a.id(i) + " is in arm A but not in arm B");
            }
            sb[i] = b.sums[j];
            cb[i] = b.counts[j];
        }
        int n = a.observations() + b.observations();
        if (k < 2) {
            return new Paired(Interval.undefined(k == 0 ? "no observations"
                    : "a bootstrap needs at least 2 prompts, got 1", method, level, resamples, seed, n, k, scheme),
                    Double.NaN);
        }
        double estimate = combine.applyAsDouble(a.pooledMean(), b.pooledMean());
        if (!Double.isFinite(estimate)) {
            return new Paired(Interval.undefined("ratio with denominator 0: the mean of the second arm is 0",
                    method, level, resamples, seed, n, k, scheme), Double.NaN);
        }
        double[] reps = Resampling.replicates(resamples, seed, (rng, out, from, to) -> {
            for (int r = from; r < to; r++) {
                double sumA = 0;
                double sumB = 0;
                long cntA = 0;
                long cntB = 0;
                for (int j = 0; j < k; j++) {
                    int i = rng.nextIndex(k);
                    sumA += sa[i];
                    cntA += ca[i];
                    sumB += sb[i];
                    cntB += cb[i];
                }
                out[r] = combine.applyAsDouble(sumA / cntA, sumB / cntB);
            }
        });
        double p = pValue(reps);
        double[] jack = null;
        if (method == Method.BCA) {
            jack = new double[k];
            for (int i = 0; i < k; i++) {
                jack[i] = combine.applyAsDouble((a.total - sa[i]) / (a.observations - ca[i]),
                        (b.total - sb[i]) / (b.observations - cb[i]));
            }
        }
        return new Paired(Bootstrap.fromReplicates(estimate, reps, jack, method, level, seed, n, k, scheme), p);
    }

    /** The two-sided p-value defined in the class comment, from unsorted or sorted replicates. */
    static double pValue(double[] reps) {
        long atOrBelow = 0;
        long atOrAbove = 0;
        for (double r : reps) {
            if (r <= 0) {
                atOrBelow++;
            }
            if (r >= 0) {
                atOrAbove++;
            }
        }
        return Math.min(1.0, 2.0 * (1 + Math.min(atOrBelow, atOrAbove)) / (reps.length + 1.0));
    }

    private static PairedDifference undefined(String reason, Method method, double level, int resamples, long seed,
                                              int n, int units, String scheme) {
        return new PairedDifference(Interval.undefined(reason, method, level, resamples, seed, n, units, scheme),
                Double.NaN);
    }
}
