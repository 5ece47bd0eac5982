package org.charlab.stats;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A point estimate with a two-sided confidence interval and everything needed to reproduce it:
 * the method, the level, the number of bootstrap resamples and the RNG seed (both 0 / unused for
 * Wilson), and the resampling scheme. Given the same data, calling the same method with these
 * values gives the identical interval, bit for bit, whatever the number of threads.
 *
 * <p>An undefined result (no data, a ratio over zero, a BCa correction that is infinite) has NaN
 * numbers and a reason; it prints as {@code undefined (reason)} and never as Infinity or NaN.
 *
 * @param estimate      the statistic on the data as observed
 * @param low           lower end of the interval
 * @param high          upper end of the interval
 * @param standardError bootstrap standard error (sample SD of the bootstrap estimates), the
 *                      binomial sqrt(p(1-p)/n) for Wilson, or sqrt of the moment variance for t
 *                      and Korn-Graubard
 * @param method        percentile, BCa, Wilson, t or Korn-Graubard
 * @param level         confidence level in (0, 1), e.g. 0.95
 * @param resamples     number of bootstrap resamples (0 for Wilson, t and Korn-Graubard)
 * @param seed          RNG seed of the resampling (meaningless when resamples is 0)
 * @param n             number of observations (rows) behind the estimate
 * @param units         number of independent units resampled: observations, clusters (prompts)
 *                      or seeds; for {@link CrossedDesign}, the non-empty seed x prompt cells
 * @param resampling    the scheme: "iid", "cluster", "cluster-means", "seed-means",
 *                      "hierarchical", "paired", "paired-cluster", "paired-cluster-ratio",
 *                      "iid-pairs" (correlations) or "none" (Wilson); for t and Korn-Graubard a
 *                      text saying what the interval generalises over, e.g. "crossed seed x prompt
 *                      (3 seeds x 40 prompts, df 5.2)", "prompts only (1 seed x 40 prompts, df 39)"
 *                      or "seeds only (3 per-seed estimates, df 2)"
 * @param undefinedReason null when defined; otherwise why there is no number
 */
public record Interval(double estimate, double low, double high, double standardError,
                       Method method, double level, int resamples, long seed,
                       int n, int units, String resampling, String undefinedReason) {

    public Interval {
        if (undefinedReason == null
                && !(Double.isFinite(estimate) && Double.isFinite(low) && Double.isFinite(high))) {
            // Guarantee: a defined interval only ever holds finite numbers.
            undefinedReason = "non-finite result (estimate " + estimate + ", low " + low + ", high " + high + ")";
        }
        if (undefinedReason != null) {
            estimate = Double.NaN;
            low = Double.NaN;
            high = Double.NaN;
            standardError = Double.NaN;
        }
    }

    /** An interval that has no numbers, only the reason why. */
    public static Interval undefined(String reason, Method method, double level, int resamples, long seed,
                                     int n, int units, String resampling) {
        return new Interval(Double.NaN, Double.NaN, Double.NaN, Double.NaN, method, level, resamples, seed,
                n, units, resampling, reason);
    }

    public boolean isDefined() {
        return undefinedReason == null;
    }

    /** High minus low (NaN when undefined). */
    public double width() {
        return high - low;
    }

    /** True when the interval contains x (false when undefined). */
    public boolean contains(double x) {
        return isDefined() && low <= x && x <= high;
    }

    /**
     * JSON-ready fields in a fixed order. Undefined numbers are null and "undefined" holds the
     * reason; "seed" is null when nothing was resampled.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimate", isDefined() ? estimate : null);
        m.put("low", isDefined() ? low : null);
        m.put("high", isDefined() ? high : null);
        m.put("se", isDefined() && Double.isFinite(standardError) ? standardError : null);
        m.put("method", method.label());
        m.put("level", level);
        m.put("resamples", resamples);
        m.put("seed", resamples > 0 ? seed : null);
        m.put("n", n);
        m.put("units", units);
        m.put("resampling", resampling);
        if (!isDefined()) {
            m.put("undefined", undefinedReason);
        }
        return m;
    }

    /** "0.5120 [0.4800, 0.5430] (bca 95%, cluster, 10000 resamples, seed 1, n 800)" or "undefined (reason)". */
    @Override
    public String toString() {
        if (!isDefined()) {
            return "undefined (" + undefinedReason + ")";
        }
        String how = resamples > 0
                ? String.format(Locale.ROOT, "%s %s%%, %s, %d resamples, seed %d", method.label(), pct(level),
                        resampling, resamples, seed)
                : method == Method.WILSON ? String.format(Locale.ROOT, "%s %s%%", method.label(), pct(level))
                : String.format(Locale.ROOT, "%s %s%%, %s", method.label(), pct(level), resampling);
        return String.format(Locale.ROOT, "%.4f [%.4f, %.4f] (%s, n %d)", estimate, low, high, how, n);
    }

    static String pct(double level) {
        double p = level * 100;
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
