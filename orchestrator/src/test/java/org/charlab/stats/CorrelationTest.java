package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CorrelationTest {

    @Test
    void pearsonAndSpearmanOnKnownData() {
        double[] x = {1, 2, 3, 4, 5};
        double[] y = {2, 4, 6, 8, 10};
        assertEquals(1.0, Correlation.pearson(x, y), 1e-12);
        assertEquals(-1.0, Correlation.spearman(x, new double[] {50, 40, 30, 20, 10}), 1e-12);
        // Monotone but not linear: Spearman 1, Pearson below 1.
        double[] cubic = {1, 8, 27, 64, 125};
        assertEquals(1.0, Correlation.spearman(x, cubic), 1e-12);
        assertTrue(Correlation.pearson(x, cubic) < 0.99);
        assertTrue(Double.isNaN(Correlation.pearson(x, new double[] {3, 3, 3, 3, 3})));
    }

    @Test
    void bootstrapIntervalAroundTheCorrelation() {
        SplitMix64 rng = new SplitMix64(5);
        int n = 200;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian();
            y[i] = 0.6 * x[i] + 0.8 * rng.nextGaussian(); // true r = 0.6
        }
        Interval p = Correlation.interval(x, y, Correlation.Kind.PEARSON, Method.BCA, 0.95, 2000, 1);
        assertEquals(Correlation.pearson(x, y), p.estimate(), 1e-12);
        assertTrue(p.contains(0.6) && p.low() > 0.4 && p.high() < 0.8, p.toString());
        Interval s = Correlation.interval(x, y, Correlation.Kind.SPEARMAN, Method.PERCENTILE, 0.95, 500, 1);
        assertTrue(s.low() > 0.3 && s.high() < 0.8, s.toString());
        assertFalse(Correlation.interval(x, new double[n], Correlation.Kind.PEARSON, Method.PERCENTILE, 0.95, 10, 1)
                .isDefined());
    }

    @Test
    void bcaOnTwoPairsIsUndefinedWithAReasonForBothKinds() {
        // The leave-one-out jackknife of BCa sees a single pair: no correlation, not a crash.
        double[] x = {0.2, 0.9};
        double[] y = {0.1, 0.7};
        for (Correlation.Kind kind : Correlation.Kind.values()) {
            Interval iv = Correlation.interval(x, y, kind, Method.BCA, 0.95, 200, 3);
            assertFalse(iv.isDefined(), kind + ": " + iv);
            assertNotNull(iv.undefinedReason(), kind.toString());
        }
        int[] one = {1};
        assertTrue(Double.isNaN(Correlation.pearsonOn(x, y, one, 1)));
        assertTrue(Double.isNaN(Correlation.spearmanOn(x, y, one, 1)), "spearman as pearson on one pair");
    }

    @Test
    void aJackknifeUndefinedOnLeaveOneOutSetsMakesBcaUndefinedWithThatReason() {
        // Defined on every full-size resample, undefined on every leave-one-out set.
        Bootstrap.IndexStatistic stat = (idx, len) -> len < 5 ? Double.NaN : idx[0] + 0.1 * idx[len - 1];
        Interval iv = Bootstrap.ofStatistic(5, stat, Method.BCA, 0.95, 200, 3, 5, "iid");
        assertFalse(iv.isDefined(), iv.toString());
        assertTrue(iv.undefinedReason().contains("5 of 5 leave-one-out"), iv.undefinedReason());
        assertTrue(Bootstrap.ofStatistic(5, stat, Method.PERCENTILE, 0.95, 200, 3, 5, "iid").isDefined(),
                "the percentile interval needs no jackknife");
    }
}
