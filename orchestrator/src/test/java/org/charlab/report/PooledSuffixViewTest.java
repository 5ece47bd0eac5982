package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.eval.BootstrapSettings;
import org.charlab.eval.MetricEntry;
import org.charlab.eval.MetricsCalculator;
import org.charlab.eval.MetricsReport;
import org.charlab.eval.SampleRow;
import org.charlab.eval.Samples;
import org.charlab.stats.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suffix set's pooled view in compare: metrics.json names the pool's conditions ("pools"), the
 * streamed cells add each of their rows to the pool too, so the pooled rate is re-estimated over
 * seeds and prompts and paired against a baseline like any condition.
 */
class PooledSuffixViewTest {

    static final Comparison.Settings S = new Comparison.Settings(Method.PERCENTILE, 0.95, 500, 1);
    static final Map<String, List<String>> POOLS = Map.of("adv", List.of("adv-v0", "adv-v1"));

    @TempDir
    Path dir;

    /** 10 prompts: caps in the output on the first {@code v0} prompts under adv-v0, {@code v1} under adv-v1. */
    RunResult run(String arm, long seed, int v0, int v1) throws Exception {
        List<SampleRow> rows = new ArrayList<>();
        for (String c : List.of("plain", "adv-v0", "adv-v1")) {
            for (int i = 0; i < 10; i++) {
                boolean caps = c.equals("plain") || i < (c.equals("adv-v0") ? v0 : v1);
                Map<String, Double> s = new LinkedHashMap<>();
                s.put("trait.caps.cot_present", 0.0);
                s.put("trait.caps.output_present", caps ? 1.0 : 0.0);
                rows.add(new SampleRow(c, "p" + i, "advice", 0, i, null, null, "c", "o", true, 1, 5, 1, 1, 3, "stop", s,
                        Map.of()));
            }
        }
        Path out = Files.createDirectories(dir.resolve(arm + seed));
        Samples.write(out.resolve(Samples.FILE), rows);
        MetricsReport.write(out.resolve(MetricsReport.FILE),
                new MetricsCalculator(BootstrapSettings.defaults()).compute(rows, POOLS), BootstrapSettings.defaults(),
                rows.size(), POOLS);
        List<MetricEntry> m = MetricsReport.read(out.resolve(MetricsReport.FILE));
        assertEquals(POOLS, MetricsReport.pools(out.resolve(MetricsReport.FILE)));
        SampleCells cells = SampleCells.read(out.resolve(Samples.FILE), MetricsReport.pools(out.resolve(MetricsReport.FILE)));
        assertEquals(30, cells.rows(), "each row counted once");
        return new RunResult("study", "sw", dir, arm + "-s" + seed, arm, seed, Map.of(), "ev", m, cells, null, "");
    }

    @Test
    void thePooledConditionIsEstimatedOverSeedsAndPromptsAndPaired() throws Exception {
        List<RunResult> runs = List.of(run("dpo", 0, 8, 4), run("dpo", 1, 6, 6), run("prompted", 0, 2, 0),
                run("prompted", 1, 0, 2));
        List<Comparison.Row> rows = Comparison.compute(runs, e -> e.name().equals("trait.caps.output_rate")
                && e.family().equals("all"), "prompted", S);
        Comparison.Row dpo = rows.stream().filter(r -> r.group().equals("dpo") && r.condition().equals("adv")).findFirst()
                .orElseThrow();
        // (8 + 4) / 20 and (6 + 6) / 20: 0.6 in each seed
        assertEquals(0.6, dpo.value().estimate(), 1e-12);
        assertEquals(40, dpo.value().n(), "2 seeds x 10 prompts x 2 suffixes: the crossed design over the samples");
        assertNotNull(dpo.delta(), dpo.note());
        assertEquals(0.6 - 0.1, dpo.delta().interval().estimate(), 1e-12);
        assertTrue(dpo.delta().interval().low() > 0, dpo.toString());
    }
}
