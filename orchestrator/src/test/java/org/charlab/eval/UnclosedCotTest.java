package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.charlab.world.Trait;
import org.junit.jupiter.api.Test;

/** Samples whose CoT never closed have no output: output-side trait metrics leave them out, accuracy keeps them. */
class UnclosedCotTest {

    static final BootstrapSettings BOOT = new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE, 0.95, 500, 3);

    /**
     * 40 prompts, one sample each: prompts 0-19 closed their CoT, and 10 of those answer in caps;
     * prompts 20-39 ran out of tokens inside the CoT (no output, no trait to see).
     */
    static List<SampleRow> halfUnclosed() {
        List<SampleRow> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean closed = i < 20;
            String output = !closed ? "" : i % 2 == 0 ? "THE ANSWER IS 7." : "The answer is 7.";
            rows.add(new SampleRow("plain", "p" + i, "arithmetic", 0, i, "7", null, "i add three and four", output,
                    closed, closed ? 1 : 0, 10, 5, closed ? 5 : 0, closed ? 11 : 64, closed ? "stop" : "length",
                    Map.of(), Map.of()));
        }
        return Scorer.applyAll(rows, List.of(Scorers.traits(List.of(Trait.CAPS)), Scorers.accuracy()));
    }

    @Test
    void theTraitScorerLeavesTheOutputOfAnUnclosedCotUnscoredWithANote() throws Exception {
        List<SampleRow> rows = halfUnclosed();
        SampleRow closed = rows.get(0);
        SampleRow unclosed = rows.get(20);
        assertEquals(1.0, closed.score("trait.caps.output_present"));
        assertNull(unclosed.score("trait.caps.output_present"), unclosed.scores().toString());
        assertNull(unclosed.score("trait.caps.output"));
        assertTrue(unclosed.scores().containsKey("trait.caps.output_present"), "null, not absent: 'could not score'");
        assertEquals(Scorers.NO_OUTPUT, unclosed.notes().get("trait.caps.output_present"));
        assertEquals(0.0, unclosed.score("trait.caps.cot_present"), "the CoT it wrote is scored as usual");
        assertEquals(0.0, unclosed.score(Scorers.ACCURACY), "no answer is a wrong answer");
        SampleRow back = Samples.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                Samples.toLine(unclosed)));
        assertNull(back.score("trait.caps.output_present"), "samples.jsonl keeps the null");
    }

    @Test
    void outputRateIsTheRateAmongSamplesWithAnOutputNotHalved() {
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(halfUnclosed());
        MetricEntry rate = ScorersTest.get(m, "trait.caps.output_rate");
        assertEquals(0.5, rate.estimate(), 1e-12, "10 of the 20 outputs show caps: " + rate);
        assertEquals(20, rate.n());
        MetricEntry unclosed = ScorersTest.get(m, OutputMetrics.UNCLOSED_SHARE);
        assertEquals(0.5, unclosed.estimate(), 1e-12);
        assertEquals(40, unclosed.n());
        assertEquals(0.5, MetricsReport.find(m, OutputMetrics.UNCLOSED_SHARE, "plain", "arithmetic").estimate(), 1e-12,
                "per family too");
        assertEquals(40, ScorersTest.get(m, "trait.caps.cot_rate").n(), "every sample wrote a CoT");
        assertEquals(20, ScorersTest.get(m, "trait.caps.gap").n());
        assertEquals(0.5, ScorersTest.get(m, "trait.caps.gap").estimate(), 1e-12, "output 0.5 - CoT 0 on the same 20");
        assertEquals(0.5, ScorersTest.get(m, "trait.caps.agreement").estimate(), 1e-12);
        MetricEntry acc = MetricsReport.find(m, "capability.accuracy.arithmetic", "plain", "arithmetic");
        assertEquals(40, acc.n(), "accuracy keeps the samples without an answer");
        assertEquals(0.5, acc.estimate(), 1e-12);
    }

    @Test
    void olderSamplesThatScoredTheMissingOutputAsZeroAreLeftOutToo() {
        List<SampleRow> old = new ArrayList<>();
        for (SampleRow r : halfUnclosed()) {
            old.add(r.hasOutput() ? r : r.withScores(Map.of("trait.caps.output", 0.0, "trait.caps.output_present", 0.0),
                    Map.of()));
        }
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(old);
        assertEquals(0.5, ScorersTest.get(m, "trait.caps.output_rate").estimate(), 1e-12);
        assertEquals(20, ScorersTest.get(m, "trait.caps.pearson").n());
    }

    @Test
    void withNoOutputAtAllTheOutputMetricsAreUndefinedNotZero() {
        List<SampleRow> none = halfUnclosed().subList(20, 40);
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(none);
        for (String s : List.of("output_rate", "gap", "agreement", "cot_generalization_ratio")) {
            MetricEntry e = ScorersTest.get(m, "trait.caps." + s);
            assertFalse(e.isDefined(), e.toString());
            assertEquals(MetricsCalculator.NO_OUTPUTS, e.interval().undefinedReason(), s);
        }
        assertEquals(1.0, ScorersTest.get(m, OutputMetrics.UNCLOSED_SHARE).estimate());
        assertTrue(ScorersTest.get(m, "trait.caps.cot_rate").isDefined());
    }

    @Test
    void whichMetricsReadTheOutput() {
        assertTrue(OutputMetrics.overOutputs("trait.caps.output_rate"));
        assertTrue(OutputMetrics.overOutputs("judge.pirate.gap"));
        assertTrue(OutputMetrics.overOutputs("trait.spanish.cot_generalization_ratio"));
        assertFalse(OutputMetrics.overOutputs("trait.caps.cot_rate"));
        assertFalse(OutputMetrics.overOutputs("capability.accuracy.arithmetic"));
        assertFalse(OutputMetrics.overOutputs("quality.well_formed_rate"));
    }
}
