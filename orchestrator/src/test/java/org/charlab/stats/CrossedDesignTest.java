package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CrossedDesign} against numbers computed outside charlab: every expected value below was
 * printed by src/test/resources/stats/crossed_reference.py (numpy 2.4 / scipy 1.17), which writes
 * the ANOVA, Satterthwaite and Korn-Graubard formulas from their definitions on numpy tables
 * (NaN for an empty cell), with scipy's t, normal and beta quantiles. The tables here are the same
 * as the script's.
 */
class CrossedDesignTest {

    static final double TOL = 1e-9;

    /** Arm A of the script: cells[s][p] are the samples of seed s on prompt p. */
    static final double[][][] A = {
        {{1, 3}, {2, 2}, {5, 7}, {0, 4}},
        {{2, 4}, {3, 5}, {6, 6}, {1, 1}},
        {{3, 5}, {7, 7}, {12, 8}, {5, 9}}};
    /** Arm B of the script; seed 3 has no partner in A. */
    static final double[][][] B = {
        {{1, 1}, {2, 0}, {4, 4}, {0, 0}},
        {{1, 3}, {2, 2}, {6, 4}, {0, 2}},
        {{1, 1}, {2, 4}, {5, 5}, {1, 3}},
        {{9, 9}, {9, 9}, {9, 9}, {9, 9}}};

    /** Flattens cells[s][p][k] into (value, seed, prompt) arrays, in an order that mixes seeds. */
    static CrossedDesign design(double[][][] cells) {
        List<double[]> rows = new ArrayList<>();
        for (int p = cells[0].length - 1; p >= 0; p--) {
            for (int s = 0; s < cells.length; s++) {
                for (double v : cells[s][p]) {
                    rows.add(new double[] {v, s, p});
                }
            }
        }
        double[] y = new double[rows.size()];
        int[] seed = new int[y.length];
        int[] prompt = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = rows.get(i)[0];
            seed[i] = (int) rows.get(i)[1];
            prompt[i] = 10 + 3 * (int) rows.get(i)[2];
        }
        return CrossedDesign.of(y, seed, prompt);
    }

    static double[][][] cells(int seeds, int prompts, int samples, java.util.function.IntUnaryOperator f) {
        double[][][] c = new double[seeds][prompts][samples];
        for (int s = 0; s < seeds; s++) {
            for (int p = 0; p < prompts; p++) {
                for (int k = 0; k < samples; k++) {
                    c[s][p][k] = f.applyAsInt(s * 10_000 + p * 10 + k);
                }
            }
        }
        return c;
    }

    @Test
    void balancedTableMatchesTheAnova() {
        // MS_S 19, MS_P 11.667, MS_R 1.333: V = (19 + 11.667 - 1.333) / 12, not floored.
        CrossedDesign.Fit f = CrossedDesign.fit(means(A), 3, 4, "");
        assertEquals(4.5, f.estimate(), TOL);
        assertEquals(2.444444444444444, f.variance(), TOL);
        assertEquals(3.8044706460329154, f.df(), 1e-9);
        Interval iv = design(A).mean(0.95);
        assertEquals(Method.T, iv.method(), "not 0/1 values: t interval");
        assertEquals(4.5, iv.estimate(), TOL);
        assertEquals(0.06968877132471096, iv.low(), 1e-8);
        assertEquals(8.93031122867529, iv.high(), 1e-8);
        assertEquals(Math.sqrt(2.444444444444444), iv.standardError(), TOL);
        assertEquals(24, iv.n());
        assertEquals(12, iv.units(), "units = non-empty seed x prompt cells");
        assertEquals(0, iv.resamples());
        assertTrue(iv.resampling().startsWith("crossed seed x prompt (3 seeds x 4 prompts, df 3.8"), iv.resampling());
        assertFalse(iv.resampling().contains("floored"));
    }

    @Test
    void differenceIsPairedOnSeedAndPromptWithTheTPValue() {
        PairedDifference d = CrossedDesign.difference(design(A), design(B), 0.95);
        Interval iv = d.interval();
        assertEquals(2.25, iv.estimate(), TOL);
        assertEquals(-2.106873079414119, iv.low(), 1e-8);
        assertEquals(6.606873079414119, iv.high(), 1e-8);
        assertEquals(0.156130403731204, d.pValue(), 1e-9);
        assertEquals(Method.T, iv.method());
        // MS_R (0.694) > MS_P (0.528): the unbiased combination is below MS_S and is floored there.
        assertTrue(iv.resampling().contains("variance floored"), iv.resampling());
        assertTrue(iv.resampling().startsWith("paired crossed seed x prompt (3 seeds x 4 prompts"), iv.resampling());
        assertTrue(iv.resampling().contains("1 seed in one arm only dropped"), iv.resampling());
        assertEquals(48, iv.n(), "samples of both arms in the paired cells");
        // Antisymmetric: B - A is the mirror image with the same p-value.
        PairedDifference back = CrossedDesign.difference(design(B), design(A), 0.95);
        assertEquals(-iv.high(), back.interval().low(), 1e-12);
        assertEquals(d.pValue(), back.pValue(), 1e-12);
    }

    @Test
    void oneSeedGeneralisesOverPromptsOnly() {
        Interval iv = design(new double[][][] {A[0]}).mean(0.95);
        assertEquals(3.0, iv.estimate(), TOL);
        assertEquals(-0.18244630528370775, iv.low(), 1e-8);
        assertEquals(6.182446305283708, iv.high(), 1e-8);
        assertTrue(iv.resampling().startsWith("prompts only (1 seed x 4 prompts, df 3)"), iv.resampling());
    }

    @Test
    void onePromptGeneralisesOverSeedsOnly() {
        // Seed means 2, 3, 4 of prompt 0: mean 3, variance 1 / 3, df 2.
        Interval iv = design(new double[][][] {{A[0][0]}, {A[1][0]}, {A[2][0]}}).mean(0.95);
        assertEquals(3.0, iv.estimate(), TOL);
        double half = 4.302652729911275 * Math.sqrt(1.0 / 3); // scipy.stats.t.ppf(0.975, 2)
        assertEquals(3 - half, iv.low(), 1e-9);
        assertTrue(iv.resampling().startsWith("seeds only (3 seeds x 1 prompt, df 2)"), iv.resampling());
    }

    @Test
    void unbalancedTableUsesAvailableCells() {
        double[][][] u = {A[0], {A[1][0], A[1][1], {}, A[1][3]}, {A[2][0], A[2][1], A[2][2], {2}}};
        Interval iv = design(u).mean(0.95);
        assertEquals(3.8055555555555554, iv.estimate(), TOL);
        assertEquals(-0.5902598541431034, iv.low(), 1e-8);
        assertEquals(8.201370965254213, iv.high(), 1e-8);
        assertEquals(11, iv.units());
        assertEquals(21, iv.n());
        assertTrue(iv.resampling().contains("11 non-empty cells"), iv.resampling());
        // NaN values are the same as absent ones.
        double[] y = {1, 3, Double.NaN, 2};
        assertEquals(3, CrossedDesign.of(y, new int[] {0, 0, 1, 1}, new int[] {0, 0, 0, 1}).observations());
    }

    @Test
    void negativeCombinationIsFlooredAtTheLargerMeanSquare() {
        // Pure interaction: MS_S 1.333, MS_P 0, MS_R 5.333; MS_S + MS_P - MS_R < 0, V = MS_S / 12.
        double[][][] f = {{{0}, {4}, {0}, {4}}, {{4}, {0}, {4}, {0}}, {{1}, {1}, {1}, {1}}};
        Interval iv = design(f).mean(0.95);
        assertEquals(0.1111111111111111, iv.standardError() * iv.standardError(), TOL);
        assertEquals(-2.568734912058231, iv.low(), 1e-8);
        assertEquals(5.902068245391565, iv.high(), 1e-8);
        assertTrue(iv.resampling().contains("df 1.0, variance floored"), iv.resampling());
    }

    @Test
    void binaryValuesGetKornGraubard() {
        double[][][] y = cells(3, 8, 2, i -> {
            int s = i / 10_000;
            int p = i / 10 % 1000;
            int k = i % 10;
            return p < 2 + s || (p + k) % 5 == 0 ? 1 : 0;
        });
        CrossedDesign d = design(y);
        assertTrue(d.binary());
        Interval kg = d.mean(0.95);
        assertEquals(Method.KORN_GRAUBARD, kg.method());
        assertEquals(0.5, kg.estimate(), TOL);
        assertEquals(0.15837279567743018, kg.low(), 1e-7);
        assertEquals(0.8416272043225699, kg.high(), 1e-7);
        assertTrue(kg.resampling().endsWith("effective n 8.1"), kg.resampling());
        Interval t = d.meanT(0.95);
        assertEquals(Method.T, t.method());
        assertEquals(kg.standardError(), t.standardError(), TOL, "same variance, different interval");
    }

    @Test
    void allZeroRateStillHasAnUpperBound() {
        // tan2025's control arm in shape: no positive in 3 seeds x 40 prompts x 2 samples. A t interval
        // or a bootstrap gives [0, 0]; Korn-Graubard with n_eff = n = 240 and df = min(S-1, P-1) = 2
        // gives Clopper-Pearson's upper bound at n* = 240 (1.96 / 4.30)^2 = 49.8.
        CrossedDesign zero = design(cells(3, 40, 2, i -> 0));
        Interval kg = zero.mean(0.95);
        assertEquals(0, kg.estimate(), 0);
        assertEquals(0, kg.low(), 0);
        assertEquals(0.07139604858647296, kg.high(), 1e-8);
        assertEquals(0, zero.meanT(0.95).width(), 0, "the t interval of a constant is degenerate");
        Interval one = design(cells(3, 40, 2, i -> 1)).mean(0.95);
        assertEquals(1, one.high(), 0);
        assertEquals(1 - 0.07139604858647296, one.low(), 1e-8, "symmetric at 1");
    }

    @Test
    void twoArmsAtZeroEverywhereDifferWithinNewcombesBoundsNotAPoint() {
        // Both arms 0 in every cell: the paired table is constant, so a t interval of the difference is
        // [0, 0] (as a bootstrap would be). Newcombe's hybrid of the arms' Korn-Graubard intervals
        // gives +-0.0714 (each arm's upper bound), p = 1.
        CrossedDesign zero = design(cells(3, 40, 2, i -> 0));
        PairedDifference d = CrossedDesign.difference(zero, design(cells(3, 40, 2, i -> 0)), 0.95);
        assertEquals(0, d.interval().estimate(), 0);
        assertEquals(-0.07139604858647296, d.interval().low(), 1e-8);
        assertEquals(0.07139604858647296, d.interval().high(), 1e-8);
        assertEquals(1, d.pValue(), 0);
        assertTrue(d.interval().resampling().contains("Newcombe"), d.interval().resampling());
        // all 1 vs all 0: the difference is 1, bounded below by the two arms' bounds, and clearly non-zero
        PairedDifference full = CrossedDesign.difference(design(cells(3, 40, 2, i -> 1)), zero, 0.95);
        assertEquals(1, full.interval().estimate(), 0);
        assertEquals(1 - Math.hypot(0.07139604858647296, 0.07139604858647296), full.interval().low(), 1e-8);
        assertEquals(1, full.interval().high(), 1e-12);
        assertTrue(full.pValue() < 1e-6, "p = " + full.pValue());
        // values that vary keep the paired t interval
        PairedDifference varying = CrossedDesign.difference(design(cells(3, 40, 2, i -> i % 3 == 0 ? 1 : 0)), zero,
                0.95);
        assertEquals(Method.T, varying.interval().method());
        assertFalse(varying.interval().resampling().contains("Newcombe"));
    }

    @Test
    void undefinedWithoutAnyVariance() {
        assertFalse(design(new double[][][] {{{1, 2}}}).mean(0.95).isDefined(), "one seed, one prompt");
        Interval none = CrossedDesign.of(new double[0], new int[0], new int[0]).mean(0.95);
        assertEquals("no observations", none.undefinedReason());
        PairedDifference disjoint = CrossedDesign.difference(design(A),
                CrossedDesign.of(new double[] {1, 2}, new int[] {7, 8}, new int[] {10, 13}), 0.95);
        assertFalse(disjoint.interval().isDefined());
        assertTrue(Double.isNaN(disjoint.pValue()));
    }

    @Test
    void seedsOnlyTIntervalOfPerSeedEstimates() {
        // Three per-seed estimates 0.2, 0.4, 0.6: mean 0.4, SD 0.2, df 2.
        Interval iv = StudentT.ofMeans(new double[] {0.2, 0.4, 0.6}, 0.95, 300);
        assertEquals(0.4, iv.estimate(), TOL);
        assertEquals(0.4 - 4.302652729911275 * 0.2 / Math.sqrt(3), iv.low(), 1e-9);
        assertEquals(300, iv.n());
        assertEquals(3, iv.units());
        assertFalse(StudentT.ofMeans(new double[] {0.2}, 0.95, 100).isDefined());
    }

    /** Row-major cell means of a balanced table. */
    static double[] means(double[][][] cells) {
        int p = cells[0].length;
        double[] m = new double[cells.length * p];
        for (int s = 0; s < cells.length; s++) {
            for (int j = 0; j < p; j++) {
                double t = 0;
                for (double v : cells[s][j]) {
                    t += v;
                }
                m[s * p + j] = t / cells[s][j].length;
            }
        }
        return m;
    }
}
