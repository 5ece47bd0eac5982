package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks against values computed outside charlab by scipy 1.17 / numpy 2.4:
 * src/test/resources/stats/reference.json, written by make_reference.py next to it.
 *
 * <p>Quantities that are deterministic given the data (quantiles of a fixed array, jackknife
 * values, the BCa acceleration, Wilson bounds) must agree to rounding error. Bootstrap interval
 * endpoints depend on the random draws, and charlab's SplitMix64 streams are not numpy's PCG64,
 * so those agree only up to Monte Carlo error; see {@link #monteCarloTolerance}.
 */
class BootstrapReferenceTest {

    static JsonNode ref;
    static int scipyResamples;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = BootstrapReferenceTest.class.getResourceAsStream("/stats/reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        scipyResamples = ref.get("resamples").asInt();
    }

    static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asDouble();
        }
        return d;
    }

    static int[] ints(JsonNode array) {
        int[] d = new int[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asInt();
        }
        return d;
    }

    /**
     * Tolerance for comparing a bootstrap endpoint from charlab (B resamples) with scipy's (B
     * resamples, independent RNG). A sample quantile of B draws at level p has standard error
     * sqrt(p(1-p)/B) / f(q_p); for a near-normal bootstrap distribution with SD se at p = 0.025,
     * f = phi(1.96)/se = 0.0584/se, so SE = 0.156/0.0584 * se / sqrt(B) = 2.67 se / sqrt(B). The
     * BCa bias correction z0 is itself estimated from the B replicates (SE of the share 0.5/sqrt(B),
     * so z0 moves by 1.25/sqrt(B)), which moves the BCa quantile level by about phi(1.96) * 2 *
     * 1.25/sqrt(B) and the endpoint by about 2.1 se / sqrt(B); together about 3.4 se / sqrt(B) per
     * implementation. The difference of two independent implementations has sqrt(2) times that,
     * 4.8 se / sqrt(B), and we allow 5 of those standard errors: 24 se / sqrt(B) (0.054 se at
     * B = 200,000). The skewed case below checks that this tolerance is tight enough to tell BCa
     * from percentile.
     */
    static double monteCarloTolerance(double se, int resamples) {
        return 24 * se / Math.sqrt(resamples);
    }

    @Test
    void quantilesMatchNumpyLinear() {
        JsonNode q = ref.get("quantiles");
        double[] data = doubles(q.get("data"));
        java.util.Arrays.sort(data);
        double[] probs = doubles(q.get("probs"));
        double[] expected = doubles(q.get("values"));
        for (int i = 0; i < probs.length; i++) {
            assertEquals(expected[i], Bootstrap.quantileSorted(data, probs[i]), 1e-12, "p = " + probs[i]);
        }
    }

    @Test
    void jackknifeAndAccelerationMatchScipy() {
        for (var e : iterable(ref.get("mean").fields())) {
            JsonNode r = e.getValue();
            double[] x = doubles(r.get("data"));
            double total = 0;
            for (double v : x) {
                total += v;
            }
            double[] jack = Bootstrap.jackknifeMeans(x, total);
            double[] expected = doubles(r.get("jackknife"));
            for (int i = 0; i < x.length; i++) {
                assertEquals(expected[i], jack[i], 1e-12 * Math.max(1, Math.abs(expected[i])), e.getKey() + " jackknife " + i);
            }
            assertEquals(r.get("acceleration").asDouble(), Bootstrap.acceleration(jack), 1e-10, e.getKey() + " a_hat");
        }
        JsonNode c = ref.get("cluster");
        Clusters clusters = Clusters.of(doubles(c.get("values")), ints(c.get("ids")));
        double[] jack = ClusterBootstrap.jackknifeRatio(clusters);
        double[] expected = doubles(c.get("jackknife"));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], jack[i], 1e-12, "cluster jackknife " + i);
        }
        assertEquals(c.get("acceleration").asDouble(), Bootstrap.acceleration(jack), 1e-10, "cluster a_hat");
        assertEquals(c.get("estimate").asDouble(), clusters.pooledMean(), 1e-12);

        JsonNode p = ref.get("paired");
        double[] a = doubles(p.get("a"));
        double[] b = doubles(p.get("b"));
        double[] d = new double[a.length];
        double total = 0;
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
            total += d[i];
        }
        assertEquals(p.get("acceleration").asDouble(), Bootstrap.acceleration(Bootstrap.jackknifeMeans(d, total)), 1e-10,
                "paired a_hat");
    }

    @Test
    void meanIntervalsMatchScipyWithinMonteCarloError() {
        for (var e : iterable(ref.get("mean").fields())) {
            double[] x = doubles(e.getValue().get("data"));
            for (Method m : new Method[] {Method.PERCENTILE, Method.BCA}) {
                Interval iv = Bootstrap.mean(x, m, 0.95, scipyResamples, 7);
                assertMatches(e.getKey(), e.getValue(), m, iv, x.length);
            }
        }
    }

    @Test
    void clusterIntervalsMatchScipyPairedBootstrapOverClusterSums() {
        JsonNode c = ref.get("cluster");
        for (Method m : new Method[] {Method.PERCENTILE, Method.BCA}) {
            Interval iv = ClusterBootstrap.mean(doubles(c.get("values")), ints(c.get("ids")), m, 0.95, scipyResamples, 8);
            assertMatches("cluster", c, m, iv, 0);
            assertEquals(50, iv.units());
        }
    }

    @Test
    void pairedIntervalsMatchScipyPairedBootstrap() {
        JsonNode p = ref.get("paired");
        for (Method m : new Method[] {Method.PERCENTILE, Method.BCA}) {
            PairedDifference d = PairedBootstrap.difference(doubles(p.get("a")), doubles(p.get("b")), m, 0.95,
                    scipyResamples, 9);
            assertMatches("paired", p, m, d.interval(), 0);
            assertTrue(d.pValue() < 0.01, "a 0.3 shift on 40 paired prompts is clear: p = " + d.pValue());
        }
    }

    @Test
    void ratioOfTwoRatesMatchesScipy() {
        JsonNode r = ref.get("ratio");
        int[] ids = ints(r.get("ids"));
        Clusters cot = Clusters.of(doubles(r.get("cot")), ids);
        Clusters output = Clusters.of(doubles(r.get("output")), ids);
        for (Method m : new Method[] {Method.PERCENTILE, Method.BCA}) {
            Interval iv = PairedBootstrap.ratio(cot, output, m, 0.95, scipyResamples, 10);
            assertMatches("ratio", r, m, iv, 0);
            assertEquals("paired-cluster-ratio", iv.resampling());
        }
        // Acceleration from the leave-one-prompt-out jackknife of the ratio.
        int k = cot.size();
        double[] jack = new double[k];
        for (int i = 0; i < k; i++) {
            jack[i] = ((cot.total - cot.sums[i]) / (cot.observations - cot.counts[i]))
                    / ((output.total - output.sums[i]) / (output.observations - output.counts[i]));
        }
        assertEquals(r.get("acceleration").asDouble(), Bootstrap.acceleration(jack), 1e-10, "ratio a_hat");
    }

    @Test
    void toleranceIsTightEnoughToSeparateBcaFromPercentile() {
        JsonNode r = ref.get("mean").get("lognormal25");
        double tol = monteCarloTolerance(r.get("bca").get("se").asDouble(), scipyResamples);
        double gapLow = r.get("bca").get("low").asDouble() - r.get("percentile").get("low").asDouble();
        double gapHigh = r.get("bca").get("high").asDouble() - r.get("percentile").get("high").asDouble();
        assertTrue(gapLow > 4 * tol && gapHigh > 4 * tol, "gaps " + gapLow + ", " + gapHigh + " vs tol " + tol);
    }

    private static void assertMatches(String name, JsonNode r, Method m, Interval iv, int latticeN) {
        JsonNode expected = r.get(m == Method.BCA ? "bca" : "percentile");
        double se = expected.get("se").asDouble();
        double tol = monteCarloTolerance(se, scipyResamples);
        if (name.startsWith("bernoulli")) {
            // 0/1 data: bootstrap means live on the lattice k/n, and an endpoint near the boundary
            // between two lattice values may land on either; allow one lattice step.
            tol = Math.max(tol, 1.0 / latticeN + 1e-12);
        }
        assertEquals(r.get("estimate").asDouble(), iv.estimate(), 1e-12, name + " estimate");
        assertEquals(expected.get("low").asDouble(), iv.low(), tol, name + " " + m + " low");
        assertEquals(expected.get("high").asDouble(), iv.high(), tol, name + " " + m + " high");
        // The bootstrap standard error has relative MC error about 1/sqrt(2B) per implementation.
        assertEquals(se, iv.standardError(), 0.02 * se, name + " " + m + " se");
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
