package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.config.Expectation;
import org.charlab.eval.SampleRow;
import org.charlab.stats.Method;
import org.junit.jupiter.api.Test;

/**
 * Expectations over a learning_rate x max_steps grid: judged at each point on its own (arm vs the
 * baseline at the same point), never pooled, with unfinished runs counted per point.
 */
class ExpectationRegionTest {

    static final Comparison.Settings S = new Comparison.Settings(Method.PERCENTILE, 0.95, 500, 1);
    static final double[] LRS = {1e-3, 1e-4};
    static final int[] STEPS = {200, 50};
    /** The only point where inoculating Spanish keeps CAPS (arm 0.9 vs baseline 0.1). */
    static final String WHERE = "learning_rate=0.001 max_steps=200";

    static final Expectation KEEPS = new Expectation("inoculating Spanish keeps CAPS", "trait.caps.output_rate",
            "plain", "all", "spanish-inoculated", "none", Expectation.Relation.AT_LEAST, 0.3, null, "Tan et al. 2025");

    static Map<String, Object> axes(double lr, int steps) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("stages.sft.learning_rate", lr);
        a.put("stages.sft.max_steps", steps);
        return a;
    }

    /**
     * 40 prompts; each output shows caps with probability {@code rate}: one uniform draw per prompt,
     * shared by both arms at a (seed, point), so a difference in rate is a paired difference.
     */
    static RunResult run(String arm, long seed, double lr, int steps, double rate) {
        SplittableRandom rng = new SplittableRandom(seed * 31 + Double.hashCode(lr) * 7L + steps);
        List<SampleRow> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            double caps = rng.nextDouble() < rate ? 1 : 0;
            rows.add(new SampleRow("plain", "p" + i, "arithmetic", 0, i, "7", null, "i add", "it is 7.", true, 1,
                    10, 2, 3, 12, "stop", Map.of("trait.caps.cot", 0.0, "trait.caps.cot_present", 0.0,
                    "trait.caps.output", caps, "trait.caps.output_present", caps), Map.of()));
        }
        return new RunResult("tan", "sw", Path.of("."), arm + "-" + lr + "-" + steps + "-s" + seed, arm, seed,
                axes(lr, steps), "ev", List.of(), rows);
    }

    /** Both arms at every point, 3 seeds; the effect (+0.8, else -0.05) exists at {@link #WHERE} only. */
    static List<RunResult> grid() {
        List<RunResult> runs = new ArrayList<>();
        for (double lr : LRS) {
            for (int steps : STEPS) {
                boolean there = lr == 1e-3 && steps == 200;
                for (long seed = 0; seed < 3; seed++) {
                    runs.add(run("none", seed, lr, steps, there ? 0.1 : 0.5));
                    runs.add(run("spanish-inoculated", seed, lr, steps, there ? 0.9 : 0.45));
                }
            }
        }
        return runs;
    }

    @Test
    void anEffectAtOneGridPointIsReproducedThereOnly() {
        List<RunResult> runs = grid();
        ExpectationRegion r = ExpectationRegion.judge(KEEPS, new RunResults.Found(runs, List.of()), S);
        assertTrue(r.isGrid());
        assertEquals(List.of("learning_rate=1.0E-4 max_steps=50", "learning_rate=1.0E-4 max_steps=200",
                "learning_rate=0.001 max_steps=50", WHERE), r.checks().stream().map(ExpectationCheck::point).toList(),
                "grid order: numbers by value, axis by axis");
        for (ExpectationCheck c : r.checks()) {
            assertEquals(c.point().equals(WHERE) ? Verdict.REPRODUCED : Verdict.NOT_REPRODUCED, c.verdict(),
                    c.point() + ": " + c.interval());
        }
        ExpectationCheck there = r.checks().get(3);
        assertEquals(0.8, there.interval().estimate(), 0.12, "arm vs the baseline at the same point: " + there);
        assertEquals(List.of(WHERE), r.holdsAt());
        assertEquals("holds at 1 of 4 points: " + WHERE + " (elsewhere: 3 not reproduced)", r.summary());
        assertEquals("holds at 1 of 4 points: " + WHERE + " (elsewhere: 3 not reproduced): inoculating Spanish keeps "
                + "CAPS", r.line());

        // the fixture discriminates: pooled over the grid the same runs give one verdict, which is not "reproduced"
        ExpectationCheck pooled = ExpectationCheck.judge(KEEPS, new RunResults.Found(runs, List.of()), S);
        assertNotEquals(Verdict.REPRODUCED, pooled.verdict(), pooled.toString());
        assertEquals(0.16, pooled.interval().estimate(), 0.05, "about a quarter of the 0.8 effect: " + pooled);
    }

    @Test
    void theFindingsShowThePerPointSummaryNeverAPooledVerdict() {
        List<ExpectationRegion> regions = ExpectationRegion.judge(List.of(KEEPS),
                new RunResults.Found(grid(), List.of()), S);
        Findings f = Findings.ofExpectations(regions);
        List<String> row = f.table().rows().get(0);
        assertEquals("holds at 1 of 4 grid points", row.get(0));
        assertTrue(row.get(4).startsWith(WHERE + ": 0."), row.get(4));
        for (String cell : row) {
            for (Verdict v : Verdict.values()) {
                assertFalse(cell.startsWith(v.label()), "no cell reads as one verdict for the whole grid: " + row);
            }
        }
        RegionTable t = RegionTable.of(regions);
        assertEquals(List.of("claim", "learning_rate=1.0E-4 max_steps=50", "learning_rate=1.0E-4 max_steps=200",
                "learning_rate=0.001 max_steps=50", WHERE), t.table().columns());
        List<String> cells = t.table().rows().get(0);
        assertTrue(cells.get(4).startsWith("reproduced 0."), cells.toString());
        assertTrue(cells.get(1).startsWith("not reproduced "), cells.toString());
        assertTrue(cells.get(1).matches("not reproduced -?0\\.\\d{3} \\[-?0\\.\\d{3}, -?0\\.\\d{3}\\].*"), cells.get(1));
        assertEquals(List.of("inoculating Spanish keeps CAPS: holds at 1 of 4 points: " + WHERE
                + " (elsewhere: 3 not reproduced)"), t.summary());
    }

    @Test
    void unfinishedRunsAtOnePointMakeOnlyThatPointNotMeasured() {
        List<RunResult> runs = new ArrayList<>(grid());
        // seed 2 of the arm at lr=1e-4, 50 steps never finished its evaluation
        RunResult missing = runs.stream().filter(r -> r.arm().equals("spanish-inoculated") && r.seed() == 2
                && r.point().equals("learning_rate=1.0E-4 max_steps=50")).findFirst().orElseThrow();
        runs.remove(missing);
        RunResults.Found found = new RunResults.Found(runs, List.of(), List.of(), List.of(new RunResults.Unfinished(
                "tan", "sw", missing.runId(), missing.arm(), missing.group(), missing.point(), "ev")));
        ExpectationRegion r = ExpectationRegion.judge(KEEPS, found, S);
        assertEquals(4, r.checks().size());
        ExpectationCheck first = r.checks().get(0);
        assertEquals(Verdict.NOT_MEASURED, first.verdict());
        assertNull(first.interval());
        assertEquals("not measured (2 of 3 runs finished)", first.note(), "counted at its point: 2 of 3, not 11 of 12");
        assertEquals(List.of(Verdict.NOT_REPRODUCED, Verdict.NOT_REPRODUCED, Verdict.REPRODUCED),
                r.checks().subList(1, 4).stream().map(ExpectationCheck::verdict).toList());
        assertEquals("holds at 1 of 4 points: " + WHERE + " (elsewhere: 2 not reproduced, 1 not measured)",
                r.summary());
        assertEquals("not measured (2 of 3 runs finished)", RegionTable.cell(first));
    }

    @Test
    void anExpectationNamingOneGroupOrASweepWithoutAGridHasOneCheck() {
        Expectation atPoint = new Expectation("", "trait.caps.output_rate", "plain", "all",
                "spanish-inoculated " + WHERE, "none " + WHERE, Expectation.Relation.AT_LEAST, 0.3, null, "");
        ExpectationRegion r = ExpectationRegion.judge(atPoint, new RunResults.Found(grid(), List.of()), S);
        assertFalse(r.isGrid());
        assertEquals(Verdict.REPRODUCED, r.checks().get(0).verdict(), r.toString());
        assertEquals("reproduced: trait.caps.output_rate", r.line());
        assertNull(RegionTable.of(List.of(r)).table(), "nothing to show per point");

        List<RunResult> flat = List.of(flat("none", 0, 0.1), flat("none", 1, 0.1), flat("spanish-inoculated", 0, 0.9),
                flat("spanish-inoculated", 1, 0.9));
        ExpectationRegion f = ExpectationRegion.judge(KEEPS, new RunResults.Found(flat, List.of()), S);
        assertFalse(f.isGrid());
        assertEquals("reproduced: inoculating Spanish keeps CAPS", f.line());
        assertEquals("reproduced", Findings.ofExpectations(List.of(f)).table().rows().get(0).get(0));
    }

    private static RunResult flat(String arm, long seed, double rate) {
        RunResult r = run(arm, seed, 1e-3, 200, rate);
        return new RunResult(r.experiment(), r.sweepId(), r.sweepDir(), r.runId(), r.arm(), r.seed(), Map.of(),
                r.stage(), r.metrics(), r.cells(), null, "");
    }
}
