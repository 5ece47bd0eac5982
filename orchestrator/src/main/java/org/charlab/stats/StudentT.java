package org.charlab.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Student t intervals from a moment estimate of the variance of an estimate: estimate +-
 * t_{df, 1-alpha/2} * sqrt(variance). No resampling and no RNG, so the result is deterministic.
 * {@link CrossedDesign} supplies the crossed seed x prompt variance and its Satterthwaite df;
 * {@link #ofMeans} is the textbook interval for the mean of a few per-seed estimates (df = k - 1).
 */
public final class StudentT {

    private StudentT() {
    }

    /** The t quantile t_{df, 1 - (1 - level)/2}; df may be fractional (Satterthwaite). */
    static double quantile(double df, double level) {
        return new TDistribution(null, df).inverseCumulativeProbability(1 - (1 - level) / 2);
    }

    /** Two-sided p-value of "the true value is 0": 2 (1 - T_df(|estimate| / se)); 1 when both are 0. */
    static double pValue(double estimate, double se, double df) {
        if (se == 0) {
            return estimate == 0 ? 1 : 0;
        }
        return Math.min(1, 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(estimate) / se));
    }

    /** estimate +- t_{df} sqrt(variance), with the bookkeeping fields of {@link Interval}. */
    static Interval interval(double estimate, double variance, double df, double level, int n, int units,
                             String scheme) {
        double se = Math.sqrt(variance);
        double half = se == 0 ? 0 : quantile(df, level) * se;
        return new Interval(estimate, estimate - half, estimate + half, se, Method.T, level, 0, 0, n, units, scheme,
                null);
    }

    /**
     * The mean of k per-seed estimates with the t interval mean +- t_{k-1} s / sqrt(k), s the
     * sample SD of the estimates. It generalises over training seeds for the prompts the estimates
     * were computed on, and treats each estimate as exact. Undefined with fewer than 2 estimates.
     *
     * @param n the number of observations behind all the estimates together (reported, not used)
     */
    public static Interval ofMeans(double[] estimates, double level, int n) {
        checkLevel(level);
        int k = estimates.length;
        String scheme = "seeds only (" + k + " per-seed estimates, df " + (k - 1) + ")";
        if (k < 2) {
            return Interval.undefined(k == 0 ? "no estimates" : "a t interval over seeds needs at least 2 seeds, got 1",
                    Method.T, level, 0, 0, n, k, scheme);
        }
        double mean = 0;
        for (double e : estimates) {
            mean += e;
        }
        return interval(mean / k, Bootstrap.variance(estimates) / k, k - 1, level, n, k, scheme);
    }

    static void checkLevel(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be strictly between 0 and 1, got " + level);
        }
    }
}
