package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairedAndSeedBootstrapTest {

    /** Two arms on n prompts sharing a prompt difficulty N(0, 1); arm A is shifted by delta. */
    static double[][] arms(SplitMix64 rng, int n, double delta) {
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            double difficulty = rng.nextGaussian();
            a[i] = difficulty + delta + 0.5 * rng.nextGaussian();
            b[i] = difficulty + 0.5 * rng.nextGaussian();
        }
        return new double[][] {a, b};
    }

    @Test
    void pValueIsRoughlyUniformUnderTheNull() {
        SplitMix64 rng = new SplitMix64(21);
        int datasets = 1000;
        int below05 = 0;
        int below50 = 0;
        for (int d = 0; d < datasets; d++) {
            double[][] ab = arms(rng, 60, 0.0);
            double p = PairedBootstrap.difference(ab[0], ab[1], Method.PERCENTILE, 0.95, 1000, d).pValue();
            below05 += p < 0.05 ? 1 : 0;
            below50 += p < 0.5 ? 1 : 0;
        }
        System.out.printf("paired null: P(p<0.05) = %.3f, P(p<0.5) = %.3f%n", below05 / (double) datasets,
                below50 / (double) datasets);
        // Uniform: 0.05 and 0.5; SE 0.007 and 0.016; bands about 3 SE (bootstrap tests run slightly liberal).
        assertTrue(below05 >= 30 && below05 <= 75, "P(p < 0.05) = " + below05 / (double) datasets);
        assertTrue(below50 >= 450 && below50 <= 550, "P(p < 0.5) = " + below50 / (double) datasets);
    }

    @Test
    void pValueIsSmallForARealDifferenceAndPairingHelps() {
        double[][] ab = arms(new SplitMix64(22), 60, 0.4);
        PairedDifference paired = PairedBootstrap.difference(ab[0], ab[1], Method.BCA, 0.95, 5000, 1);
        assertTrue(paired.pValue() < 0.001, paired.toString());
        assertTrue(paired.interval().low() > 0, paired.toString());
        assertEquals(2.0 / 5001, paired.pValue(), 1e-12, "no resample crosses 0: the +1 floor");
        // Unpaired intervals of each arm overlap heavily although the paired difference is clear.
        Interval a = Bootstrap.mean(ab[0], Method.PERCENTILE, 0.95, 5000, 1);
        Interval b = Bootstrap.mean(ab[1], Method.PERCENTILE, 0.95, 5000, 2);
        assertTrue(a.low() < b.high(), "arms overlap: " + a + " / " + b);
        assertEquals("paired", paired.interval().resampling());
        assertTrue(paired.toMap().containsKey("p_value"));
    }

    @Test
    void pValueDefinitionAtTheEdges() {
        assertEquals(1.0, PairedBootstrap.pValue(new double[] {0, 0, 0}), 0);
        assertEquals(2.0 * (1 + 1) / 5, PairedBootstrap.pValue(new double[] {-1, 2, 3, 4}), 1e-15);
        PairedDifference same = PairedBootstrap.difference(new double[] {1, 2, 3}, new double[] {1, 2, 3},
                Method.PERCENTILE, 0.95, 100, 1);
        assertEquals(1.0, same.pValue());
        assertEquals(0.0, same.interval().width());
    }

    @Test
    void clusteredPairedDifferenceMatchesPerPromptVersionForOneSamplePerPrompt() {
        double[][] ab = arms(new SplitMix64(23), 50, 0.2);
        int[] ids = new int[50];
        for (int i = 0; i < 50; i++) {
            ids[i] = 1000 - i; // any ids; B's rows in another order below
        }
        double[] bReversed = new double[50];
        int[] idsReversed = new int[50];
        for (int i = 0; i < 50; i++) {
            bReversed[i] = ab[1][49 - i];
            idsReversed[i] = ids[49 - i];
        }
        PairedDifference perPrompt = PairedBootstrap.difference(ab[0], ab[1], Method.BCA, 0.95, 4000, 5);
        PairedDifference clustered = PairedBootstrap.difference(Clusters.of(ab[0], ids), Clusters.of(bReversed, idsReversed),
                Method.BCA, 0.95, 4000, 5);
        assertEquals(perPrompt.interval().estimate(), clustered.interval().estimate(), 1e-12);
        // Same draws of prompt indices; sums are accumulated differently, so allow rounding.
        assertEquals(perPrompt.interval().low(), clustered.interval().low(), 1e-9);
        assertEquals(perPrompt.interval().high(), clustered.interval().high(), 1e-9);
        assertEquals(perPrompt.pValue(), clustered.pValue(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> PairedBootstrap.difference(Clusters.of(ab[0], ids),
                Clusters.of(ab[1], CoverageSimulationTest.ids(50, 1)), Method.BCA, 0.95, 10, 1));
    }

    @Test
    void ratioIsUndefinedOverAZeroDenominator() {
        int[] ids = {0, 0, 1, 1, 2, 2};
        Clusters cot = Clusters.of(new double[] {1, 0, 0, 0, 1, 0}, ids);
        Clusters none = Clusters.of(new double[6], ids);
        Interval zero = PairedBootstrap.ratio(cot, none, Method.PERCENTILE, 0.95, 100, 1);
        assertFalse(zero.isDefined());
        assertTrue(zero.toString().startsWith("undefined (ratio with denominator 0"), zero.toString());
        // Output shown on one prompt only: some resamples miss it, so their ratio has no value.
        Clusters once = Clusters.of(new double[] {1, 1, 0, 0, 0, 0}, ids);
        Interval sometimes = PairedBootstrap.ratio(cot, once, Method.PERCENTILE, 0.95, 1000, 1);
        assertFalse(sometimes.isDefined());
        assertTrue(sometimes.undefinedReason().contains("resamples"), sometimes.toString());
        Clusters everywhere = Clusters.of(new double[] {1, 0, 1, 0, 1, 1}, ids);
        Interval fine = PairedBootstrap.ratio(cot, everywhere, Method.BCA, 0.95, 1000, 1);
        assertEquals(0.5, fine.estimate(), 1e-15);
        assertTrue(fine.isDefined() && fine.low() >= 0 && fine.high() <= 1, fine.toString());
    }

    /** seeds x prompts x samples with a seed effect of SD seedSd and prompt/sample noise. */
    static double[][] seeds(SplitMix64 rng, int seeds, int prompts, int samples, double seedSd) {
        double[][] v = new double[seeds][prompts * samples];
        for (int s = 0; s < seeds; s++) {
            double effect = seedSd * rng.nextGaussian();
            for (int i = 0; i < prompts * samples; i++) {
                v[s][i] = effect + rng.nextGaussian();
            }
        }
        return v;
    }

    @Test
    void seedMeansAverageWithinSeedThenResampleSeeds() {
        double[][] v = {{1, 1, 1, 1}, {0, 0}, {1, 0}};
        Interval iv = SeedBootstrap.seedMeans(v, Method.PERCENTILE, 0.95, 10_000, 1);
        assertEquals((1 + 0 + 0.5) / 3, iv.estimate(), 1e-12, "each seed weighs the same");
        assertEquals(3, iv.units());
        assertEquals(8, iv.n());
        // Bootstrap means of {1, 0, 0.5}: the extremes are 0 and 1, each with probability 1/27.
        assertEquals(0.0, iv.low(), 1e-12);
        assertEquals(1.0, iv.high(), 1e-12);
        assertFalse(SeedBootstrap.seedMeans(new double[][] {{1, 2}}, Method.PERCENTILE, 0.95, 100, 1).isDefined());
        assertFalse(SeedBootstrap.seedMeans(new double[][] {{1, 2}, {}}, Method.PERCENTILE, 0.95, 100, 1).isDefined());
    }

    @Test
    void hierarchicalAddsPromptNoiseToSeedNoise() {
        double[][] v = seeds(new SplitMix64(31), 5, 30, 2, 0.05);
        int[][] ids = new int[5][];
        for (int s = 0; s < 5; s++) {
            ids[s] = CoverageSimulationTest.ids(30, 2);
        }
        Interval twoLevel = SeedBootstrap.seedMeans(v, Method.PERCENTILE, 0.95, 4000, 1);
        Interval hier = SeedBootstrap.hierarchical(v, ids, Method.PERCENTILE, 0.95, 4000, 1);
        assertEquals(twoLevel.estimate(), hier.estimate(), 1e-12);
        assertTrue(hier.width() > twoLevel.width(), hier + " vs " + twoLevel);
        assertEquals("hierarchical", hier.resampling());
        Interval bca = SeedBootstrap.hierarchical(v, null, Method.BCA, 0.95, 4000, 1);
        assertTrue(bca.isDefined() && bca.contains(bca.estimate()), bca.toString());
        assertEquals(hier, SeedBootstrap.hierarchical(v, ids, Method.PERCENTILE, 0.95, 4000, 1));
    }

    @Test
    void hierarchicalCoversTheTrueMeanWithManySeeds() {
        // 20 seeds (seed SD 0.3) x 20 prompts x 2 samples, 300 datasets: the two-stage bootstrap
        // should cover near nominal; it is conservative, since resampling prompts inside
        // resampled seeds counts prompt noise twice (Davison and Hinkley 1997, sec. 3.8).
        SplitMix64 rng = new SplitMix64(32);
        int[][] ids = new int[20][];
        for (int s = 0; s < 20; s++) {
            ids[s] = CoverageSimulationTest.ids(20, 2);
        }
        int hits = 0;
        int datasets = 300;
        for (int d = 0; d < datasets; d++) {
            double[][] v = seeds(rng, 20, 20, 2, 0.3);
            hits += SeedBootstrap.hierarchical(v, ids, Method.PERCENTILE, 0.95, 500, d).contains(0.0) ? 1 : 0;
        }
        double coverage = hits / (double) datasets;
        System.out.printf("coverage hierarchical          %.3f%n", coverage);
        assertTrue(coverage >= 0.91 && coverage <= 0.995, "coverage " + coverage);
    }
}
