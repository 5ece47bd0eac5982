package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.charlab.config.Expectation;
import org.charlab.eval.MetricEntry;
import org.charlab.eval.SampleRow;
import org.charlab.stats.Method;
import org.charlab.stats.Wilson;
import org.junit.jupiter.api.Test;

/**
 * compare and expectations over runs whose CoTs did not all close. Samples are scored as older
 * evals scored them (a missing output counted as "no trait", 0), so the exclusion must come from
 * think_closed itself; metrics.json entries are those such an eval wrote.
 */
class UnclosedShareTest {

    static final Comparison.Settings S = new Comparison.Settings(Method.PERCENTILE, 0.95, 500, 1);

    /** 40 prompts; the first {@code closed} closed their CoT, and every other closed one answers in caps. */
    static RunResult run(String arm, long seed, int closed) {
        List<SampleRow> rows = new ArrayList<>();
        double shown = 0;
        for (int i = 0; i < 40; i++) {
            boolean c = i < closed;
            double caps = c && i % 2 == 0 ? 1 : 0;
            shown += caps;
            rows.add(new SampleRow("plain", "p" + i, "arithmetic", 0, i, "7", null, "i add", c ? "IT IS 7." : "", c, 1,
                    10, 2, c ? 3 : 0, 12, c ? "stop" : "length", Map.of("trait.caps.cot", 0.0,
                    "trait.caps.cot_present", 0.0, "trait.caps.output", caps, "trait.caps.output_present", caps,
                    "accuracy", c ? 1.0 : 0.0), Map.of()));
        }
        // what an older eval wrote: the output rate over all 40 samples
        MetricEntry old = new MetricEntry("trait.caps.output_rate", "plain", "all",
                Wilson.interval((long) shown, 40, 0.95), 40, 40);
        return new RunResult("study", "sw", Path.of("."), arm + "-s" + seed, arm, seed, Map.of(), "ev", List.of(old),
                rows);
    }

    @Test
    void acrossSeedsTheOutputRateIsOverSamplesWithAnOutputAndTheRowCarriesTheUnclosedShare() {
        List<RunResult> runs = List.of(run("half", 0, 20), run("half", 1, 20));
        List<Comparison.Row> rows = Comparison.compute(runs, e -> true, null, S);
        assertEquals(1, rows.size());
        Comparison.Row r = rows.get(0);
        assertEquals(0.5, r.value().estimate(), 1e-12, "10 of 20 outputs per seed show caps, not 10 of 40: " + r);
        assertEquals(0.5, r.unclosed(), 1e-12);
        List<Comparison.Row> acc = Comparison.compute(List.of(withAccuracy(runs.get(0)), withAccuracy(runs.get(1))),
                e -> e.name().startsWith("capability."), null, S);
        assertTrue(Double.isNaN(acc.get(0).unclosed()), "no unclosed column on a non-trait metric");
    }

    private static RunResult withAccuracy(RunResult r) {
        MetricEntry acc = new MetricEntry("capability.accuracy.arithmetic", "plain", "arithmetic",
                Wilson.interval(20, 40, 0.95), 40, 40);
        return new RunResult(r.experiment(), r.sweepId(), r.sweepDir(), r.runId(), r.arm(), r.seed(), r.axes(), r.stage(),
                List.of(acc), r.cells(), null, "");
    }

    @Test
    void anExpectationOnAnArmWithoutAnyOutputIsNotMeasured() {
        // the old metrics.json says 0 [0, 0.09]: "output rate < 0.1" would read as reproduced
        List<RunResult> runs = List.of(run("broken", 0, 0), run("ok", 0, 40));
        assertTrue(runs.get(0).metrics().get(0).interval().high() < 0.1, "the fixture would read as reproduced");
        Expectation atMost = new Expectation("broken suppresses caps", "trait.caps.output_rate", "plain", "all",
                "broken", null, Expectation.Relation.AT_MOST, 0.1, null, "");
        ExpectationCheck c = ExpectationCheck.judge(atMost, new RunResults.Found(runs, java.util.List.of()), S);
        assertEquals(Verdict.NOT_MEASURED, c.verdict(), c.toString());
        assertNull(c.interval());
        assertTrue(c.note().contains("no sample of arm 'broken' has an output"), c.note());

        Expectation vsBase = new Expectation("ok shows more caps", "trait.caps.output_rate", "plain", "all", "ok",
                "broken", Expectation.Relation.AT_LEAST, 0.1, null, "");
        ExpectationCheck d = ExpectationCheck.judge(vsBase, new RunResults.Found(runs, java.util.List.of()), S);
        assertEquals(Verdict.NOT_MEASURED, d.verdict(), "a baseline without outputs cannot anchor a difference");

        Expectation cot = new Expectation("", "trait.caps.cot_rate", "plain", "all", "broken", null,
                Expectation.Relation.AT_MOST, 0.1, null, "");
        String cotNote = ExpectationCheck.judge(cot, new RunResults.Found(runs, java.util.List.of()), S).note();
        assertTrue(!cotNote.contains("output") && !cotNote.contains("closed"), "the CoT rate needs no output: " + cotNote);
    }

    @Test
    void aVerdictRestingOnAMinorityOfTheSamplesSaysSo() {
        // 10 of 40 samples per seed have an output, 5 of them in caps
        List<RunResult> runs = List.of(run("mostly", 0, 10), run("mostly", 1, 10));
        Expectation e = new Expectation("", "trait.caps.output_rate", "plain", "all", "mostly", null,
                Expectation.Relation.AT_LEAST, 0.1, null, "");
        ExpectationCheck c = ExpectationCheck.judge(e, new RunResults.Found(runs, java.util.List.of()), S);
        assertEquals(Verdict.REPRODUCED, c.verdict(), c.toString());
        assertTrue(c.note().contains("rests on a minority of the samples: 75% (60 of 80) of arm 'mostly'"), c.note());

        List<RunResult> most = List.of(run("most", 0, 30), run("most", 1, 30));
        Expectation m = new Expectation("", "trait.caps.output_rate", "plain", "all", "most", null,
                Expectation.Relation.AT_LEAST, 0.1, null, "");
        assertEquals("", ExpectationCheck.judge(m, new RunResults.Found(most, java.util.List.of()), S).note(), "25% unclosed: the outputs are the majority");
    }
}
