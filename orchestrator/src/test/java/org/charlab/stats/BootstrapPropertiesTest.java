package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class BootstrapPropertiesTest {

    static final double[] X = CoverageSimulationTest.iid(new SplitMix64(3), 80, 0.5);
    static final double[] C = CoverageSimulationTest.clustered(new SplitMix64(4), 40, 3, 0.5);
    static final int[] IDS = CoverageSimulationTest.ids(40, 3);

    @Test
    void widerLevelWidensTheInterval() {
        for (Method m : new Method[] {Method.PERCENTILE, Method.BCA}) {
            Interval previous = null;
            for (double level : new double[] {0.5, 0.8, 0.9, 0.95, 0.99}) {
                Interval[] now = {Bootstrap.mean(X, m, level, 2000, 1), ClusterBootstrap.mean(C, IDS, m, level, 2000, 1)};
                if (previous != null) {
                    assertTrue(now[0].low() < previous.low() && now[0].high() > previous.high(),
                            m + " " + level + ": " + now[0] + " vs " + previous);
                }
                assertTrue(now[1].width() > 0);
                previous = now[0];
            }
        }
    }

    @Test
    void sameSeedGivesIdenticalIntervalWhateverTheThreads() throws Exception {
        Interval a = ClusterBootstrap.mean(C, IDS, Method.BCA, 0.95, 5000, 42);
        Interval b = ClusterBootstrap.mean(C, IDS, Method.BCA, 0.95, 5000, 42);
        assertEquals(a, b);
        // Run once more on a single-thread pool: chunks are seeded independently, so same result.
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            Interval c = one.submit(() -> ClusterBootstrap.mean(C, IDS, Method.BCA, 0.95, 5000, 42)).get();
            assertEquals(a, c);
        } finally {
            one.shutdown();
        }
        Interval d = ClusterBootstrap.mean(C, IDS, Method.BCA, 0.95, 5000, 43);
        assertNotEquals(a.low(), d.low());
        assertNotEquals(a.high(), d.high());
        assertEquals(a.estimate(), d.estimate());
    }

    @Test
    void intervalRecordsHowItWasMade() {
        Interval iv = ClusterBootstrap.mean(C, IDS, Method.PERCENTILE, 0.9, 1234, 77);
        assertEquals(Method.PERCENTILE, iv.method());
        assertEquals(0.9, iv.level());
        assertEquals(1234, iv.resamples());
        assertEquals(77, iv.seed());
        assertEquals(120, iv.n());
        assertEquals(40, iv.units());
        assertEquals("cluster", iv.resampling());
        assertTrue(iv.low() <= iv.estimate() && iv.estimate() <= iv.high());
        assertEquals(77L, iv.toMap().get("seed"));
        assertTrue(iv.toString().contains("percentile 90%, cluster, 1234 resamples, seed 77"), iv.toString());
    }

    @Test
    void singletonClustersReproduceThePlainBootstrapExactly() {
        for (Method m : new Method[] {Method.PERCENTILE, Method.BCA}) {
            Interval plain = Bootstrap.mean(X, m, 0.95, 3000, 5);
            Interval cluster = ClusterBootstrap.of(Clusters.singletons(X), ClusterBootstrap.Estimator.POOLED_MEAN, m,
                    0.95, 3000, 5);
            assertEquals(plain.low(), cluster.low());
            assertEquals(plain.high(), cluster.high());
        }
    }

    @Test
    void clusterEstimatorsAgreeForEqualSizesAndDifferOtherwise() {
        Clusters equal = Clusters.of(C, IDS);
        assertEquals(equal.pooledMean(), equal.meanOfMeans(), 1e-12);
        Interval pooled = ClusterBootstrap.of(equal, ClusterBootstrap.Estimator.POOLED_MEAN, Method.PERCENTILE, 0.95, 2000, 1);
        Interval means = ClusterBootstrap.of(equal, ClusterBootstrap.Estimator.MEAN_OF_CLUSTER_MEANS, Method.PERCENTILE,
                0.95, 2000, 1);
        assertEquals(pooled.estimate(), means.estimate(), 1e-12);
        // Same draws, and the pooled mean of equal clusters is the mean of their means.
        assertEquals(pooled.low(), means.low(), 1e-9);
        // Unequal sizes: prompt 0 has 3 samples of 1, prompts 1 and 2 one sample of 0 each.
        Clusters unequal = Clusters.of(new double[] {1, 1, 1, 0, 0}, new int[] {0, 0, 0, 1, 2});
        assertEquals(0.6, unequal.pooledMean(), 1e-12);
        assertEquals(1.0 / 3, unequal.meanOfMeans(), 1e-12);
        assertEquals(0.6, ClusterBootstrap.of(unequal, ClusterBootstrap.Estimator.POOLED_MEAN, Method.PERCENTILE, 0.95,
                100, 1).estimate(), 1e-12);
    }

    @Test
    void clusteringWidensIntervalOnCorrelatedData() {
        Interval iid = Bootstrap.mean(C, Method.PERCENTILE, 0.95, 4000, 1);
        Interval cluster = ClusterBootstrap.mean(C, IDS, Method.PERCENTILE, 0.95, 4000, 1);
        assertTrue(cluster.width() > 1.2 * iid.width(), cluster + " vs " + iid);
    }

    @Test
    void undefinedResultsCarryAReasonAndNeverInfinity() {
        Interval empty = Bootstrap.mean(new double[0], Method.BCA, 0.95, 100, 1);
        assertFalse(empty.isDefined());
        assertEquals("undefined (no observations)", empty.toString());
        assertNull(empty.toMap().get("estimate"));
        assertEquals("no observations", empty.toMap().get("undefined"));
        assertFalse(Bootstrap.mean(new double[] {3}, Method.PERCENTILE, 0.95, 100, 1).isDefined());
        assertFalse(ClusterBootstrap.mean(new double[] {1, 2}, new int[] {7, 7}, Method.PERCENTILE, 0.95, 100, 1).isDefined());
        Interval inf = new Interval(1, 0, Double.POSITIVE_INFINITY, 1, Method.PERCENTILE, 0.95, 10, 1, 3, 3, "iid", null);
        assertFalse(inf.isDefined());
        assertFalse(inf.toString().contains("Infinity ") || inf.toString().startsWith("Infinity"));
        assertTrue(Double.isNaN(inf.high()));
    }

    @Test
    void constantDataGivesAZeroWidthIntervalNotAnError() {
        double[] same = {2, 2, 2, 2, 2};
        for (Method m : new Method[] {Method.PERCENTILE, Method.BCA}) {
            Interval iv = Bootstrap.mean(same, m, 0.95, 500, 1);
            assertTrue(iv.isDefined(), iv.toString());
            assertEquals(2.0, iv.low());
            assertEquals(2.0, iv.high());
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.mean(X, Method.PERCENTILE, 1.0, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.mean(X, Method.PERCENTILE, 0.0, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.mean(X, Method.PERCENTILE, 0.95, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.mean(X, Method.WILSON, 0.95, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> Clusters.of(new double[2], new int[3]));
        assertEquals(Method.BCA, Method.parse("BCa"));
        assertThrows(IllegalArgumentException.class, () -> Method.parse("studentized"));
    }

    @Test
    void indexDrawsAreUniform() {
        // Chi-square goodness of fit of 700,000 draws over 7 bins (6 d.f.): 99.9% point is 22.5.
        SplitMix64 rng = new SplitMix64(9);
        long[] bins = new long[7];
        int draws = 700_000;
        for (int i = 0; i < draws; i++) {
            bins[rng.nextIndex(7)]++;
        }
        double chi2 = 0;
        for (long b : bins) {
            chi2 += (b - draws / 7.0) * (b - draws / 7.0) / (draws / 7.0);
        }
        assertTrue(chi2 < 22.5, "chi2 = " + chi2);
    }

    @Test
    void genericStatisticMatchesSpecialisedMean() {
        Interval generic = Bootstrap.ofStatistic(X.length, (idx, len) -> {
            double s = 0;
            for (int j = 0; j < len; j++) {
                s += X[idx[j]];
            }
            return s / len;
        }, Method.BCA, 0.95, 2000, 3, X.length, "iid");
        Interval special = Bootstrap.mean(X, Method.BCA, 0.95, 2000, 3);
        // Same draws; only the order of floating-point additions differs.
        assertEquals(special.low(), generic.low(), 1e-12);
        assertEquals(special.high(), generic.high(), 1e-12);
        assertArrayEquals(new double[] {special.estimate()}, new double[] {generic.estimate()}, 1e-15);
    }
}
