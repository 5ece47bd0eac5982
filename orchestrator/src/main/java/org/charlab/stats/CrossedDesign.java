package org.charlab.stats;

import java.util.Locale;

/**
 * The mean of a metric over a crossed design - every training seed (replicate) s = 1..S evaluated
 * on the same prompts (clusters) p = 1..P, a few samples each - with an interval that accounts
 * for both sources of variance, and the paired difference of two such designs.
 *
 * <p>Model: y_spk = mu + a_s + b_p + (ab)_sp + e_spk, seeds and prompts random (two-way
 * random effects). The estimate is the mean over seeds of each seed's mean, i.e. the mean of
 * the S x P table of cell means m_sp. Its variance is
 * <pre>
 *   Var(ybar) = sigma_s^2 / S + sigma_p^2 / P + sigma_r^2 / (S P)   (sigma_r^2 = interaction + residual / K)
 * </pre>
 * estimated by the method of moments on the table of cell means (two-way ANOVA without
 * replication; Searle, Casella and McCulloch 1992, "Variance Components", ch. 4; the same
 * decomposition as Owen 2007, "The pigeonhole bootstrap", Ann. Appl. Stat. 1:386-411):
 * <pre>
 *   MS_S = P sum_s (ybar_s. - ybar)^2 / (S - 1)                              E = P sigma_s^2 + sigma_r^2
 *   MS_P = S sum_p (ybar_.p - ybar)^2 / (P - 1)                              E = S sigma_p^2 + sigma_r^2
 *   MS_R = sum_sp (m_sp - ybar_s. - ybar_.p + ybar)^2 / ((S - 1)(P - 1))    E = sigma_r^2
 *   V    = max(MS_S + MS_P - MS_R, MS_S, MS_P) / (S P)
 *   df   = F^2 / (MS_S^2/(S-1) + MS_P^2/(P-1) + MS_R^2/((S-1)(P-1))), F the numerator of V,
 *          clamped to [1, S P - 1]                                               (Satterthwaite 1946)
 * </pre>
 * MS_S / (S P) and MS_P / (S P) each underestimate Var(ybar) in expectation, so flooring V at
 * the larger keeps it positive when the unbiased combination goes negative. The interval is
 * ybar +- t_{df} sqrt(V) ({@link Method#T}); for 0/1 values {@link #mean} uses
 * {@link KornGraubard} with the same V and df instead, so a rate of 0 keeps an upper bound.
 *
 * <p>One seed: the interval generalises over prompts only, V = s_p^2 / P with s_p^2 the variance
 * of the cell means, df = P - 1. One prompt: over seeds only, symmetrically. When V is 0
 * because every MS is 0 (a constant metric), df is unknown and the smallest component df,
 * min(S - 1, P - 1), is used (only Korn-Graubard's bounds depend on it then).
 *
 * <p>Unbalanced tables (cells with fewer samples, empty cells): a cell mean is over its
 * samples, a seed or prompt mean over its non-empty cells, and S P above becomes N, the number
 * of non-empty cells: MS_S = (N/S) sum_s (ybar_s. - ybar)^2 / (S - 1), MS_P likewise with N/P and
 * the mean of the prompt means, and MS_R has N - S - P + 1 degrees of freedom with the mean of
 * all cells as grand mean. This is an approximation (the moment equations hold exactly only for
 * balanced tables); charlab's design is balanced except for excluded samples. A table too
 * sparse for the decomposition (N - S - P + 1 < 1, e.g. every seed on its own prompts) falls
 * back to the variance of the seed means, which then already contains the prompt variance.
 *
 * <p>NaN values are skipped: a caller marks excluded samples with NaN.
 */
public final class CrossedDesign {

    /** Distinct replicate and cluster ids, ascending; rows and columns of the table. */
    private final Ids seedIds;
    private final Ids promptIds;
    /** Per cell (row-major, seeds x prompts): sum and count of the samples. */
    private final double[] sums;
    private final int[] counts;
    private final int observations;
    private final boolean binary;

    private CrossedDesign(Ids seedIds, Ids promptIds, double[] sums, int[] counts, int observations,
                          boolean binary) {
        this.seedIds = seedIds;
        this.promptIds = promptIds;
        this.sums = sums;
        this.counts = counts;
        this.observations = observations;
        this.binary = binary;
    }

    /**
     * values[i] was observed for replicate replicate[i] (e.g. the training seed) on cluster
     * cluster[i] (e.g. the prompt). Ids are any ints; two designs are paired by equal ids. NaN
     * values are skipped.
     */
    public static CrossedDesign of(double[] values, int[] replicate, int[] cluster) {
        if (values.length != replicate.length || values.length != cluster.length) {
            throw new IllegalArgumentException("values, replicate and cluster differ in length: " + values.length
                    + ", " + replicate.length + ", " + cluster.length);
        }
        boolean[] present = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            present[i] = !Double.isNaN(values[i]);
        }
        Ids seeds = Ids.distinct(replicate, present);
        Ids prompts = Ids.distinct(cluster, present);
        int p = prompts.size();
        double[] sums = new double[seeds.size() * p];
        int[] counts = new int[sums.length];
        int n = 0;
        boolean binary = true;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v)) {
                continue;
            }
            int c = seeds.position(replicate[i]) * p + prompts.position(cluster[i]);
            sums[c] += v;
            counts[c]++;
            n++;
            binary &= v == 0 || v == 1;
        }
        return new CrossedDesign(seeds, prompts, sums, counts, n, binary);
    }

    /**
     * The design of values already summed into partial cells: partial i holds {@code counts[i]}
     * values of replicate {@code replicate[i]} on cluster {@code cluster[i]} adding up to
     * {@code sums[i]}; partials of the same (replicate, cluster) are added in order, and partials
     * with count 0 are skipped. {@code binary}: whether every value was 0 or 1. Equal to {@link #of}
     * on the values themselves when each cell's values arrive as one partial summed in the same
     * order (and whenever the values are integers).
     */
    public static CrossedDesign ofCells(int[] replicate, int[] cluster, double[] sums, int[] counts, boolean binary) {
        if (sums.length != replicate.length || sums.length != cluster.length || sums.length != counts.length) {
            throw new IllegalArgumentException("replicate, cluster, sums and counts differ in length: "
                    + replicate.length + ", " + cluster.length + ", " + sums.length + ", " + counts.length);
        }
        boolean[] present = new boolean[sums.length];
        for (int i = 0; i < present.length; i++) {
            present[i] = counts[i] > 0;
        }
        Ids seeds = Ids.distinct(replicate, present);
        Ids prompts = Ids.distinct(cluster, present);
        int p = prompts.size();
        double[] cellSums = new double[seeds.size() * p];
        int[] cellCounts = new int[cellSums.length];
        int n = 0;
        for (int i = 0; i < sums.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            int c = seeds.position(replicate[i]) * p + prompts.position(cluster[i]);
            cellSums[c] += sums[i];
            cellCounts[c] += counts[i];
            n += counts[i];
        }
        return new CrossedDesign(seeds, prompts, cellSums, cellCounts, n, binary);
    }

    /** Number of non-NaN values. */
    public int observations() {
        return observations;
    }

    /** Number of replicates (seeds) with at least one value. */
    public int replicates() {
        return seedIds.size();
    }

    /** True when every value is 0 or 1 (and there is at least one). */
    public boolean binary() {
        return binary && observations > 0;
    }

    /**
     * The mean of seed means with its interval: Korn-Graubard when every value is 0 or 1, the t
     * interval otherwise.
     */
    public Interval mean(double level) {
        return binary() ? interval(level, true) : meanT(level);
    }

    /** The mean of seed means with the t interval, whatever the values. */
    public Interval meanT(double level) {
        return interval(level, false);
    }

    private Interval interval(double level, boolean kornGraubard) {
        StudentT.checkLevel(level);
        Method method = kornGraubard ? Method.KORN_GRAUBARD : Method.T;
        Fit f = fit(cellMeans(), seedIds.size(), promptIds.size(), "");
        if (f.undefined != null) {
            return Interval.undefined(f.undefined, method, level, 0, 0, observations, f.cells, f.scheme);
        }
        return kornGraubard
                ? KornGraubard.interval(f.estimate, f.variance, f.df, observations, level, f.cells, f.scheme)
                : StudentT.interval(f.estimate, f.variance, f.df, level, observations, f.cells, f.scheme);
    }

    /**
     * A minus B, paired: seeds (replicate ids) present in both and prompts (cluster ids) present
     * in both; the table of cell differences d_sp = m^A_sp - m^B_sp over the cells both have goes
     * through the same ANOVA, with a t interval and the two-sided p-value 2 (1 - T_df(|d| / SE)).
     * The scheme text says how many seeds and prompts of either side had no partner and were
     * dropped.
     */
    public static PairedDifference difference(CrossedDesign a, CrossedDesign b, double level) {
        StudentT.checkLevel(level);
        int[] seeds = a.seedIds.common(b.seedIds).ids;
        int[] prompts = a.promptIds.common(b.promptIds).ids;
        int droppedSeeds = a.seedIds.size() + b.seedIds.size() - 2 * seeds.length;
        int droppedPrompts = a.promptIds.size() + b.promptIds.size() - 2 * prompts.length;
        double[] am = a.cellMeans();
        double[] bm = b.cellMeans();
        double[] d = new double[seeds.length * prompts.length];
        int n = 0;
        for (int s = 0; s < seeds.length; s++) {
            int sa = a.seedIds.position(seeds[s]);
            int sb = b.seedIds.position(seeds[s]);
            for (int p = 0; p < prompts.length; p++) {
                int ca = sa * a.promptIds.size() + a.promptIds.position(prompts[p]);
                int cb = sb * b.promptIds.size() + b.promptIds.position(prompts[p]);
                d[s * prompts.length + p] = am[ca] - bm[cb];
                if (!Double.isNaN(d[s * prompts.length + p])) {
                    n += a.counts[ca] + b.counts[cb];
                }
            }
        }
        StringBuilder dropped = new StringBuilder();
        if (droppedSeeds > 0) {
            dropped.append("; ").append(droppedSeeds).append(droppedSeeds == 1 ? " seed" : " seeds")
                    .append(" in one arm only dropped");
        }
        if (droppedPrompts > 0) {
            dropped.append("; ").append(droppedPrompts).append(droppedPrompts == 1 ? " prompt" : " prompts")
                    .append(" in one arm only dropped");
        }
        Fit f = fit(d, seeds.length, prompts.length, "paired ");
        String scheme = f.scheme + dropped;
        if (f.undefined != null) {
            return new PairedDifference(Interval.undefined(f.undefined, Method.T, level, 0, 0, n, f.cells, scheme),
                    Double.NaN);
        }
        if (f.variance == 0 && a.binary() && b.binary()) {
            return newcombe(f.estimate, a.mean(level), b.mean(level), level, n, f.cells, scheme);
        }
        Interval iv = StudentT.interval(f.estimate, f.variance, f.df, level, n, f.cells, scheme);
        return new PairedDifference(iv, StudentT.pValue(f.estimate, Math.sqrt(f.variance), f.df));
    }

    /**
     * A difference of two rates whose cell differences are all equal (typically both arms at 0, or
     * at 1, everywhere): the paired variance is 0 and a t interval would be the single point d, the
     * same blindness the Korn-Graubard interval removes for one rate. Newcombe's hybrid score
     * interval (Newcombe 1998, Stat. Med. 17:873-890, method 10) combines the two arms' own
     * intervals instead, L = d - sqrt((pA - lA)^2 + (uB - pB)^2), U = d + sqrt((uA - pA)^2 + (pB - lB)^2),
     * here from their Korn-Graubard intervals; it ignores the pairing, so it errs wide. The p-value
     * is the normal one with the standard error (U - L) / (2 z).
     */
    private static PairedDifference newcombe(double d, Interval a, Interval b, double level, int n, int cells,
                                             String scheme) {
        String how = scheme + "; no variation between cells: Newcombe hybrid of the arms' Korn-Graubard intervals";
        if (!a.isDefined() || !b.isDefined()) {
            return new PairedDifference(Interval.undefined(!a.isDefined() ? a.undefinedReason() : b.undefinedReason(),
                    Method.T, level, 0, 0, n, cells, how), Double.NaN);
        }
        double low = d - Math.hypot(a.estimate() - a.low(), b.high() - b.estimate());
        double high = d + Math.hypot(a.high() - a.estimate(), b.estimate() - b.low());
        double z = new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1)
                .inverseCumulativeProbability(1 - (1 - level) / 2);
        double se = (high - low) / (2 * z);
        double p = se == 0 ? (d == 0 ? 1 : 0)
                : Math.min(1, 2 * new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1)
                        .cumulativeProbability(-Math.abs(d) / se));
        return new PairedDifference(new Interval(d, low, high, se, Method.T, level, 0, 0, n, cells, how, null), p);
    }

    /** Cell means, NaN for empty cells. */
    private double[] cellMeans() {
        double[] m = new double[sums.length];
        for (int c = 0; c < m.length; c++) {
            m[c] = counts[c] == 0 ? Double.NaN : sums[c] / counts[c];
        }
        return m;
    }

    /** Estimate, variance and df of the mean of a table; cells = non-empty cells. */
    record Fit(double estimate, double variance, double df, int cells, String scheme, String undefined) {
    }

    /**
     * The moment estimator on a rows x cols table of cell values (row-major, NaN = empty cell),
     * as described in the class comment. Empty rows and columns are ignored.
     */
    static Fit fit(double[] m, int rows, int cols, String prefix) {
        double[] rowSum = new double[rows];
        int[] rowN = new int[rows];
        double[] colSum = new double[cols];
        int[] colN = new int[cols];
        int cells = 0;
        double cellTotal = 0;
        for (int s = 0; s < rows; s++) {
            for (int p = 0; p < cols; p++) {
                double v = m[s * cols + p];
                if (!Double.isNaN(v)) {
                    rowSum[s] += v;
                    rowN[s]++;
                    colSum[p] += v;
                    colN[p]++;
                    cells++;
                    cellTotal += v;
                }
            }
        }
        int seeds = 0;
        double estimate = 0;
        for (int s = 0; s < rows; s++) {
            if (rowN[s] > 0) {
                seeds++;
                estimate += rowSum[s] / rowN[s];
            }
        }
        int prompts = 0;
        double promptMean = 0;
        for (int p = 0; p < cols; p++) {
            if (colN[p] > 0) {
                prompts++;
                promptMean += colSum[p] / colN[p];
            }
        }
        String shape = String.format(Locale.ROOT, "%d %s x %d %s", seeds, seeds == 1 ? "seed" : "seeds", prompts,
                prompts == 1 ? "prompt" : "prompts");
        if (cells == 0) {
            return new Fit(Double.NaN, Double.NaN, Double.NaN, 0, prefix + "crossed seed x prompt (no data)",
                    "no observations");
        }
        estimate /= seeds;
        promptMean /= prompts;
        if (seeds == 1 && prompts == 1) {
            return new Fit(Double.NaN, Double.NaN, Double.NaN, cells, prefix + "crossed seed x prompt (" + shape + ")",
                    "one seed and one prompt: no variance can be estimated");
        }
        // Sums of squares of the seed means and of the prompt means around their means.
        double ssS = 0;
        for (int s = 0; s < rows; s++) {
            if (rowN[s] > 0) {
                double dev = rowSum[s] / rowN[s] - estimate;
                ssS += dev * dev;
            }
        }
        double ssP = 0;
        for (int p = 0; p < cols; p++) {
            if (colN[p] > 0) {
                double dev = colSum[p] / colN[p] - promptMean;
                ssP += dev * dev;
            }
        }
        if (seeds == 1) {
            // Prompts only: the plain variance of the cell means over prompts.
            return finish(estimate, ssP / (prompts - 1) / prompts, prompts - 1, cells,
                    prefix + "prompts only (" + shape + ", df " + (prompts - 1) + ")");
        }
        int dfR = cells - seeds - prompts + 1;
        if (prompts == 1 || dfR < 1) {
            String why = prompts == 1 ? "" : "; table too sparse to separate prompts";
            return finish(estimate, ssS / (seeds - 1) / seeds, seeds - 1, cells,
                    prefix + "seeds only (" + shape + ", df " + (seeds - 1) + why + ")");
        }
        double grand = cellTotal / cells;
        double ssR = 0;
        for (int s = 0; s < rows; s++) {
            if (rowN[s] == 0) {
                continue;
            }
            double rowMean = rowSum[s] / rowN[s];
            for (int p = 0; p < cols; p++) {
                double v = m[s * cols + p];
                if (!Double.isNaN(v)) {
                    double r = v - rowMean - colSum[p] / colN[p] + grand;
                    ssR += r * r;
                }
            }
        }
        double msS = (double) cells / seeds * ssS / (seeds - 1);
        double msP = (double) cells / prompts * ssP / (prompts - 1);
        double msR = ssR / dfR;
        double numerator = msS + msP - msR;
        double floor = Math.max(msS, msP);
        boolean floored = numerator < floor;
        numerator = Math.max(numerator, floor);
        double denominator = msS * msS / (seeds - 1) + msP * msP / (prompts - 1) + msR * msR / dfR;
        double df = denominator > 0 ? numerator * numerator / denominator : Math.min(seeds - 1, prompts - 1);
        df = Math.max(1, Math.min(cells - 1, df));
        boolean balanced = cells == seeds * prompts;
        String scheme = String.format(Locale.ROOT, "%scrossed seed x prompt (%s%s, df %.1f%s)", prefix, shape,
                balanced ? "" : ", " + cells + " non-empty cells", df, floored ? ", variance floored" : "");
        return finish(estimate, numerator / cells, df, cells, scheme);
    }

    private static Fit finish(double estimate, double variance, double df, int cells, String scheme) {
        return new Fit(estimate, variance, df, cells, scheme, null);
    }
}
