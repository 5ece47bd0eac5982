package org.charlab.stats;

import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;

/**
 * Wilson score interval for a rate of independent yes/no outcomes (Wilson 1927; Newcombe 1998,
 * method 3, no continuity correction). With p = k/n and z = Phi^-1(1 - (1 - level)/2):
 * <pre>
 *   centre = (p + z^2/(2n)) / (1 + z^2/n)
 *   half   = z / (1 + z^2/n) * sqrt(p(1 - p)/n + z^2/(4n^2))
 * </pre>
 * Unlike the Wald interval it stays inside [0, 1] and is not degenerate at 0 or n successes. The
 * estimate reported is p itself (not the Wilson centre); the standard error is sqrt(p(1-p)/n).
 * The bounds come from Commons Math's WilsonScoreInterval (which implements exactly this
 * formula); this class adds the checks, the clamping of rounding at 0 and n successes, and the
 * common {@link Interval} shape.
 */
public final class Wilson {

    private Wilson() {
    }

    /** Interval for successes out of trials. */
    public static Interval interval(long successes, long trials, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be strictly between 0 and 1, got " + level);
        }
        if (trials < 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials, got " + successes + " of " + trials);
        }
        if (trials > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more than 2^31 - 1 trials: " + trials);
        }
        int n = (int) trials;
        if (trials == 0) {
            return Interval.undefined("no observations", Method.WILSON, level, 0, 0, 0, 0, "none");
        }
        double p = (double) successes / trials;
        ConfidenceInterval ci = new WilsonScoreInterval().createInterval(n, (int) successes, level);
        // At 0 or n successes the bound is exactly 0 or 1 in exact arithmetic; clamp rounding.
        double low = successes == 0 ? 0 : Math.max(0, ci.getLowerBound());
        double high = successes == trials ? 1 : Math.min(1, ci.getUpperBound());
        return new Interval(p, low, high, Math.sqrt(p * (1 - p) / trials), Method.WILSON, level, 0, 0, n, n,
                "none", null);
    }

    /**
     * Interval for a column of 0/1 values. IllegalArgumentException if any value is not 0 or 1
     * (Wilson is for yes/no outcomes only; use a bootstrap for scores).
     */
    public static Interval interval(double[] zeroOnes, double level) {
        long k = 0;
        for (int i = 0; i < zeroOnes.length; i++) {
            double v = zeroOnes[i];
            if (v == 1) {
                k++;
            } else if (v != 0) {
                throw new IllegalArgumentException("Wilson needs 0/1 values; value " + i + " is " + v);
            }
        }
        return interval(k, zeroOnes.length, level);
    }
}
