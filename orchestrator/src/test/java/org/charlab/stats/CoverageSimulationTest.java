package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Coverage by simulation: 1,000 datasets with a known mean, a nominal 95% interval for each, and
 * the share that contains the true mean must lie in [0.93, 0.97]. With 1,000 datasets the share
 * has a standard error of sqrt(0.95 * 0.05 / 1000) = 0.007, so the band is about +-3 SE around
 * 0.95 (bootstrap intervals are known to run slightly below nominal, about 0.945 at these sizes).
 * Data and bootstraps use fixed seeds, so the test is deterministic. A negative control shows the
 * test can fail: ignoring the clusters under-covers badly.
 */
class CoverageSimulationTest {

    static final int DATASETS = 1000;
    static final int RESAMPLES = 1000;

    /** n iid N(mu, 1) observations. */
    static double[] iid(SplitMix64 rng, int n, double mu) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mu + rng.nextGaussian();
        }
        return x;
    }

    /** k prompts x m samples: value = mu + prompt effect N(0,1) + noise N(0,1); intra-class correlation 0.5. */
    static double[] clustered(SplitMix64 rng, int k, int m, double mu) {
        double[] x = new double[k * m];
        for (int c = 0; c < k; c++) {
            double u = rng.nextGaussian();
            for (int j = 0; j < m; j++) {
                x[c * m + j] = mu + u + rng.nextGaussian();
            }
        }
        return x;
    }

    static int[] ids(int k, int m) {
        int[] id = new int[k * m];
        for (int i = 0; i < id.length; i++) {
            id[i] = i / m;
        }
        return id;
    }

    private static double iidCoverage(Method method) {
        SplitMix64 rng = new SplitMix64(11);
        int hits = 0;
        for (int d = 0; d < DATASETS; d++) {
            double[] x = iid(rng, 100, 2.0);
            hits += Bootstrap.mean(x, method, 0.95, RESAMPLES, d).contains(2.0) ? 1 : 0;
        }
        return hits / (double) DATASETS;
    }

    private static double clusterCoverage(Method method, boolean useClusters) {
        SplitMix64 rng = new SplitMix64(12);
        int[] id = ids(100, 4);
        int hits = 0;
        for (int d = 0; d < DATASETS; d++) {
            double[] x = clustered(rng, 100, 4, -1.0);
            Interval iv = useClusters ? ClusterBootstrap.mean(x, id, method, 0.95, RESAMPLES, d)
                    : Bootstrap.mean(x, method, 0.95, RESAMPLES, d);
            hits += iv.contains(-1.0) ? 1 : 0;
        }
        return hits / (double) DATASETS;
    }

    static void assertNominal(double coverage, String what) {
        System.out.printf("coverage %-20s %.3f%n", what, coverage); // kept in the surefire report
        assertTrue(coverage >= 0.93 && coverage <= 0.97, what + " coverage " + coverage + " outside [0.93, 0.97]");
    }

    @Test
    void percentileCoversIid() {
        assertNominal(iidCoverage(Method.PERCENTILE), "percentile iid");
    }

    @Test
    void bcaCoversIid() {
        assertNominal(iidCoverage(Method.BCA), "BCa iid");
    }

    @Test
    void percentileCoversClustered() {
        assertNominal(clusterCoverage(Method.PERCENTILE, true), "percentile cluster");
    }

    @Test
    void bcaCoversClustered() {
        assertNominal(clusterCoverage(Method.BCA, true), "BCa cluster");
    }

    @Test
    void percentileCoversClusteredWithUnequalSizes() {
        // 100 prompts with 1..7 samples each (the general ratio path, not the equal-size one);
        // sizes independent of the prompt effect, so the pooled mean targets mu.
        SplitMix64 rng = new SplitMix64(14);
        int hits = 0;
        for (int d = 0; d < DATASETS; d++) {
            double[] x = new double[700];
            int[] id = new int[700];
            int n = 0;
            for (int c = 0; c < 100; c++) {
                double u = rng.nextGaussian();
                for (int j = 1 + rng.nextIndex(7); j > 0; j--) {
                    x[n] = 0.5 + u + rng.nextGaussian();
                    id[n++] = c;
                }
            }
            Interval iv = ClusterBootstrap.mean(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(id, n),
                    Method.PERCENTILE, 0.95, RESAMPLES, d);
            hits += iv.contains(0.5) ? 1 : 0;
        }
        assertNominal(hits / (double) DATASETS, "percentile unequal");
    }

    @Test
    void ignoringClustersUnderCovers() {
        // Design effect 1 + (4 - 1) * 0.5 = 2.5: the iid interval is sqrt(2.5) too narrow, so it
        // covers about P(|Z| < 1.96 / 1.58) = 0.79.
        double c = clusterCoverage(Method.PERCENTILE, false);
        System.out.printf("coverage %-20s %.3f%n", "iid on clustered", c);
        assertTrue(c < 0.88, "iid bootstrap on clustered data should under-cover, got " + c);
    }

    @Test
    void wilsonCoversRates() {
        // Wilson's coverage oscillates with p and n; at p = 0.3, n = 200 it is close to nominal.
        SplitMix64 rng = new SplitMix64(13);
        int hits = 0;
        for (int d = 0; d < DATASETS; d++) {
            int k = 0;
            for (int i = 0; i < 200; i++) {
                k += rng.nextDouble() < 0.3 ? 1 : 0;
            }
            hits += Wilson.interval(k, 200, 0.95).contains(0.3) ? 1 : 0;
        }
        assertNominal(hits / (double) DATASETS, "Wilson");
    }
}
