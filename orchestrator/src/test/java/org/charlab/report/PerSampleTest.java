package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.charlab.eval.Metric;
import org.charlab.eval.MetricRegistry;
import org.charlab.eval.SampleRow;
import org.junit.jupiter.api.Test;

/** The report's per-sample values are the registry's: one entry in eval/MetricRegistry defines both. */
class PerSampleTest {

    /** Every registry metric marked per-sample has a PerSample function, and every PerSample function has one. */
    @Test
    void perSampleFunctionsAreExactlyTheRegistrysPerSampleMetrics() {
        Set<String> perSample = new LinkedHashSet<>();
        for (Metric m : MetricRegistry.METRICS) {
            for (String prefix : new String[] {"trait.caps", "judge.pirate"}) {
                String example = m.name().replace("<p>", prefix).replace("<family>", "arithmetic");
                assertEquals(m.perSample() != null, PerSample.of(example) != null, example);
                if (PerSample.of(example) != null) {
                    perSample.add(m.name());
                }
            }
        }
        // pinned: the per-sample means the report re-estimates across seeds and pairs across arms
        assertEquals(Set.of("<p>.output_rate", "<p>.cot_rate", "<p>.gap", "<p>.agreement", "<p>.output_rate_wellformed",
                "<p>.loglik", "<p>.loglik_vs_neutral", "quality.well_formed_rate", "legibility.cot_tokens", "legibility.unclosed_cot_share",
                "capability.accuracy.<family>"), perSample);
        assertNull(PerSample.of("nonsense"));
        assertNull(PerSample.of("trait.caps"), "a prefix is not a metric");
    }

    /** The value read is the named trait's; output-side metrics have no value for a sample without an output. */
    @Test
    void valuesComeFromTheNamedTraitAndNeedAnOutputWhereTheMetricDoes() {
        Map<String, Double> s = Map.of("trait.caps.cot_present", 1.0, "trait.caps.output_present", 0.0,
                "trait.rhyme.cot_present", 0.0, "trait.rhyme.output_present", 0.0, "accuracy", 1.0);
        SampleRow closed = row(true, s);
        SampleRow unclosed = row(false, s);
        assertEquals(1.0, PerSample.of("trait.caps.cot_rate").applyAsDouble(closed));
        assertEquals(0.0, PerSample.of("trait.rhyme.cot_rate").applyAsDouble(closed));
        assertEquals(-1.0, PerSample.of("trait.caps.gap").applyAsDouble(closed));
        assertEquals(0.0, PerSample.of("trait.caps.agreement").applyAsDouble(closed));
        assertEquals(1.0, PerSample.of("trait.rhyme.agreement").applyAsDouble(closed));
        assertEquals(0.0, PerSample.of("trait.caps.output_rate").applyAsDouble(closed));
        assertTrue(Double.isNaN(PerSample.of("trait.caps.output_rate").applyAsDouble(unclosed)),
                "an output scored 0 by an older samples.jsonl is still no output");
        assertEquals(1.0, PerSample.of("trait.caps.cot_rate").applyAsDouble(unclosed));
        assertEquals(1.0, PerSample.of("legibility.unclosed_cot_share").applyAsDouble(unclosed));
        assertEquals(1.0, PerSample.of("capability.accuracy.arithmetic").applyAsDouble(unclosed));
        assertTrue(Double.isNaN(PerSample.of("quality.well_formed_rate").applyAsDouble(closed)), "not scored");
        assertEquals(7.0, PerSample.of("legibility.cot_tokens").applyAsDouble(closed));
    }

    private static SampleRow row(boolean closed, Map<String, Double> scores) {
        return new SampleRow("plain", "p1", "arithmetic", 0, 0, "7", null, "c", closed ? "o" : "", closed, 1, 10, 7,
                closed ? 1 : 0, 20, closed ? "stop" : "length", scores, Map.of());
    }
}
