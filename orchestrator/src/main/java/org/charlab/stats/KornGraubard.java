package org.charlab.stats;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Interval for a proportion estimated from clustered (here: crossed seed x prompt) data, after
 * Korn and Graubard (1998, "Confidence intervals for proportions with small expected number of
 * positive counts estimated from survey data", Survey Methodology 24:193-201): the
 * Clopper-Pearson interval evaluated at an effective sample size.
 * <pre>
 *   n_eff  = phat (1 - phat) / V, capped at n; n_eff = n when phat is 0 or 1 (or V is 0)
 *   n_eff* = n_eff (z_{1-alpha/2} / t_{df, 1-alpha/2})^2          (the df adjustment)
 *   x*     = phat n_eff*
 *   low    = Beta(x*, n_eff* - x* + 1).inverse(alpha/2)      (0 when x* = 0)
 *   high   = Beta(x* + 1, n_eff* - x*).inverse(1 - alpha/2)  (1 when x* = n_eff*)
 * </pre>
 * V is the design-based variance of phat and df its degrees of freedom. Unlike a t interval or a
 * bootstrap, a rate observed at 0 (or 1) everywhere gets a non-degenerate upper (lower) bound,
 * and the interval never leaves [0, 1].
 */
public final class KornGraubard {

    private KornGraubard() {
    }

    /**
     * @param phat     the estimated proportion, in [0, 1]
     * @param variance its estimated variance V (>= 0)
     * @param df       degrees of freedom of V
     * @param n        number of 0/1 observations behind phat (the cap of n_eff)
     * @param units    reported in the interval (cells of the design)
     * @param scheme   what the variance generalises over, reported in the interval
     */
    static Interval interval(double phat, double variance, double df, int n, double level, int units, String scheme) {
        StudentT.checkLevel(level);
        double alpha = 1 - level;
        double nEff = phat <= 0 || phat >= 1 || variance <= 0 ? n : Math.min(n, phat * (1 - phat) / variance);
        double z = new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - alpha / 2);
        double t = StudentT.quantile(df, level);
        double nStar = nEff * (z / t) * (z / t);
        double x = phat * nStar;
        double low = x <= 0 ? 0 : new BetaDistribution(null, x, nStar - x + 1).inverseCumulativeProbability(alpha / 2);
        double high = x >= nStar ? 1
                : new BetaDistribution(null, x + 1, nStar - x).inverseCumulativeProbability(1 - alpha / 2);
        return new Interval(phat, Math.min(low, phat), Math.max(high, phat), Math.sqrt(variance),
                Method.KORN_GRAUBARD, level, 0, 0, n, units,
                scheme + String.format(java.util.Locale.ROOT, ", effective n %.1f", nStar), null);
    }
}
