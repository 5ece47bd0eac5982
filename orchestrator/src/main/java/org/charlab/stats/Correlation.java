package org.charlab.stats;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Correlation of paired per-prompt scores (e.g. output score vs chain-of-thought score), with a
 * bootstrap interval over prompts (pairs are resampled together). Point estimates come from
 * Commons Math; inside the bootstrap Pearson is recomputed from sums on the drawn indices (no
 * copying), while Spearman copies the drawn pairs and ranks them with Commons Math (ties get
 * their average rank). A correlation with a constant column or fewer than 2 pairs is undefined
 * (NaN), not 0, for both kinds.
 */
public final class Correlation {

    /** Which correlation. */
    public enum Kind {
        PEARSON, SPEARMAN
    }

    private Correlation() {
    }

    /** Pearson's r; NaN when either column is constant or n < 2. */
    public static double pearson(double[] x, double[] y) {
        check(x, y);
        return x.length < 2 ? Double.NaN : new PearsonsCorrelation().correlation(x, y);
    }

    /** Spearman's rho (Pearson on average ranks); NaN when either column is constant or n < 2. */
    public static double spearman(double[] x, double[] y) {
        check(x, y);
        return x.length < 2 ? Double.NaN : new SpearmansCorrelation().correlation(x, y);
    }

    /** Bootstrap interval for the correlation, resampling pairs (x[i], y[i]). */
    public static Interval interval(double[] x, double[] y, Kind kind, Method method, double level, int resamples,
                                    long seed) {
        check(x, y);
        Bootstrap.IndexStatistic stat = kind == Kind.PEARSON ? (idx, len) -> pearsonOn(x, y, idx, len)
                : (idx, len) -> spearmanOn(x, y, idx, len);
        return Bootstrap.ofStatistic(x.length, stat, method, level, resamples, seed, x.length,
                "iid-pairs");
    }

    static double pearsonOn(double[] x, double[] y, int[] idx, int len) {
        double mx = 0;
        double my = 0;
        for (int j = 0; j < len; j++) {
            mx += x[idx[j]];
            my += y[idx[j]];
        }
        mx /= len;
        my /= len;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int j = 0; j < len; j++) {
            double dx = x[idx[j]] - mx;
            double dy = y[idx[j]] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** As {@link #pearsonOn}: NaN for fewer than 2 pairs (BCa's jackknife of 2 prompts leaves 1). */
    static double spearmanOn(double[] x, double[] y, int[] idx, int len) {
        if (len < 2) {
            return Double.NaN; // Commons Math throws on one pair
        }
        double[] xs = new double[len];
        double[] ys = new double[len];
        for (int j = 0; j < len; j++) {
            xs[j] = x[idx[j]];
            ys[j] = y[idx[j]];
        }
        double r = new SpearmansCorrelation().correlation(xs, ys);
        return Double.isFinite(r) ? r : Double.NaN;
    }

    private static void check(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("columns differ in length: " + x.length + " vs " + y.length);
        }
    }
}
