package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.config.Expectation;
import org.charlab.eval.BootstrapSettings;
import org.charlab.eval.MetricEntry;
import org.charlab.eval.MetricsCalculator;
import org.charlab.eval.MetricsReport;
import org.charlab.eval.SampleRow;
import org.charlab.stats.Method;
import org.junit.jupiter.api.Test;

/**
 * Trait rates on answers, not garble: an arm whose well-formed rate is below the bound has its output
 * trait rates flagged in compare's table, the findings and the expectations, and
 * trait.<t>.output_rate_wellformed counts the well-formed outputs only.
 */
class MalformedFlagTest {

    static final Comparison.Settings S = new Comparison.Settings(Method.PERCENTILE, 0.95, 500, 1);

    /**
     * 20 prompts, one sample each: the first {@code wellFormed} outputs are well formed, and of those the
     * first {@code capsWell} show caps; of the malformed ones the first {@code capsBad} do.
     */
    static RunResult run(String arm, int wellFormed, int capsWell, int capsBad) {
        List<SampleRow> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            boolean wf = i < wellFormed;
            boolean caps = wf ? i < capsWell : i - wellFormed < capsBad;
            Map<String, Double> s = new LinkedHashMap<>();
            s.put("trait.caps.cot", 0.0);
            s.put("trait.caps.cot_present", 0.0);
            s.put("trait.caps.output", caps ? 1.0 : 0.0);
            s.put("trait.caps.output_present", caps ? 1.0 : 0.0);
            s.put("quality.well_formed_score", wf ? 1.0 : 0.2);
            s.put("quality.well_formed", wf ? 1.0 : 0.0);
            rows.add(new SampleRow("plain", "p" + i, "arithmetic", 0, i, null, null, "i add", caps ? "SEVEN." : "seven.",
                    true, 1, 10, 2, 2, 5, "stop", s, Map.of()));
        }
        List<MetricEntry> metrics = new MetricsCalculator(BootstrapSettings.defaults()).compute(rows);
        return new RunResult("study", "sw", Path.of("."), arm + "-s0", arm, 0, Map.of(), "ev", metrics, rows);
    }

    static List<RunResult> runs() {
        return List.of(run("good", 19, 2, 0), run("edge", 18, 2, 0), run("bad", 9, 3, 10));
    }

    static Comparison.Row row(List<Comparison.Row> rows, String group, String metric) {
        return rows.stream().filter(r -> r.group().equals(group) && r.metric().equals(metric) && r.family().equals("all"))
                .findFirst().orElseThrow(() -> new AssertionError(group + " " + metric));
    }

    @Test
    void theFlagAppearsExactlyForArmsBelowTheBoundAndOnlyOnOutputTraitRates() {
        List<Comparison.Row> rows = Comparison.compute(runs(), e -> true, null, S);
        assertEquals("measured on malformed output: well-formed 0.45", row(rows, "bad", "trait.caps.output_rate").malformed());
        assertEquals(0.45, row(rows, "bad", "trait.caps.output_rate").wellFormed(), 1e-12);
        assertEquals("", row(rows, "edge", "trait.caps.output_rate").malformed(), "0.90 is not below 0.9");
        assertEquals("", row(rows, "good", "trait.caps.output_rate").malformed());
        for (String m : List.of("trait.caps.cot_rate", "trait.caps.output_rate_wellformed", "quality.well_formed_rate")) {
            assertEquals("", row(rows, "bad", m).malformed(), m + " is not flagged");
        }
        String text = ComparisonTable.of(rows, false, false).render(Table.Format.TEXT);
        assertTrue(text.contains("measured on malformed output: well-formed 0.45"), text);
        assertEquals(rows.stream().filter(r -> !r.malformed().isEmpty()).count(),
                text.lines().filter(l -> l.contains("measured on malformed output")).count(), text);
        Table csv = ComparisonTable.of(rows, false, true);
        int malformed = csv.columns().indexOf("malformed");
        int metric = csv.columns().indexOf("metric");
        int group = csv.columns().indexOf("group");
        for (List<String> r : csv.rows()) {
            boolean flagged = r.get(group).equals("bad") && (r.get(metric).equals("trait.caps.output_rate")
                    || r.get(metric).equals("trait.caps.gap") || r.get(metric).equals("trait.caps.agreement")
                    || r.get(metric).equals("trait.caps.pearson") || r.get(metric).equals("trait.caps.spearman")
                    || r.get(metric).equals("trait.caps.cot_generalization_ratio"));
            assertEquals(flagged ? "true" : r.get(malformed).isEmpty() ? "" : "false", r.get(malformed), r.toString());
        }

        // the bound is a setting: at 0.95 the 0.90 arm is flagged too, at 0.4 nobody and no column
        List<Comparison.Row> strict = Comparison.compute(runs(), e -> true, null, S.withWellFormedBound(0.95));
        assertEquals("measured on malformed output: well-formed 0.90", row(strict, "edge", "trait.caps.output_rate").malformed());
        assertEquals("", row(strict, "good", "trait.caps.output_rate").malformed());
        List<Comparison.Row> lax = Comparison.compute(runs(), e -> true, null, S.withWellFormedBound(0.4));
        assertTrue(lax.stream().allMatch(r -> r.malformed().isEmpty()));
        assertFalse(ComparisonTable.of(lax, false, false).columns().contains("malformed"));
    }

    @Test
    void theWellFormedOnlyRateEqualsAHandCount() {
        RunResult bad = run("bad", 9, 3, 10);
        MetricEntry all = MetricsReport.find(bad.metrics(), "trait.caps.output_rate", "plain", "all");
        MetricEntry wf = MetricsReport.find(bad.metrics(), "trait.caps.output_rate_wellformed", "plain", "all");
        assertEquals(13 / 20.0, all.estimate(), 1e-12, "3 well-formed + 10 malformed outputs in caps, of 20");
        assertEquals(3 / 9.0, wf.estimate(), 1e-12, "3 of the 9 well-formed outputs");
        assertEquals(9, wf.n());
        // compare re-estimates it from the samples with the same count
        Comparison.Row r = row(Comparison.compute(List.of(bad), e -> true, null, S), "bad",
                "trait.caps.output_rate_wellformed");
        assertEquals(3 / 9.0, r.value().estimate(), 1e-12);
        // without any well-formedness score there is no such metric
        List<SampleRow> unscored = bad.samples().stream().map(x -> new SampleRow(x.condition(), x.promptId(), x.family(),
                x.sample(), x.seed(), x.answer(), x.cotPrefill(), x.cot(), x.output(), x.thinkClosed(), x.thinkCloses(),
                x.promptTokens(), x.cotTokens(), x.outputTokens(), x.newTokens(), x.stopReason(),
                Map.of("trait.caps.cot_present", 0.0, "trait.caps.output_present", x.score("trait.caps.output_present")),
                Map.of())).toList();
        assertEquals(null, MetricsReport.find(new MetricsCalculator(BootstrapSettings.defaults()).compute(unscored),
                "trait.caps.output_rate_wellformed", "plain", "all"));
    }

    @Test
    void findingsAndExpectationsCarryTheFlag() {
        List<RunResult> runs = runs();
        List<Comparison.Row> rows = Comparison.compute(runs, e -> Findings.share(e.name()) && e.family().equals("all"),
                "good", S);
        Findings f = Findings.ofDifferences(rows, "good", "");
        String md = f.markdown();
        assertTrue(md.contains("(measured on malformed output: well-formed 0.45)"), md);
        assertEquals(1, md.lines().filter(l -> l.contains("measured on malformed output")).count(), md);

        RunResults.Found found = new RunResults.Found(runs, List.of());
        Expectation onBad = new Expectation("bad keeps caps", "trait.caps.output_rate", "plain", "all", "bad", null,
                Expectation.Relation.AT_LEAST, 0.1, null, "");
        ExpectationCheck c = ExpectationCheck.judge(onBad, found, S);
        assertTrue(c.note().contains("arm 'bad' measured on malformed output: well-formed 0.45"), c.note());
        Expectation vsBad = new Expectation("good shows less caps than bad", "trait.caps.output_rate", "plain", "all",
                "good", "bad", Expectation.Relation.AT_MOST, 0.0, null, "");
        assertTrue(ExpectationCheck.judge(vsBad, found, S).note().contains("arm 'bad' measured on malformed output"));
        Expectation onWellFormed = new Expectation("bad keeps caps in answers", "trait.caps.output_rate_wellformed",
                "plain", "all", "bad", null, Expectation.Relation.AT_LEAST, 0.1, null, "");
        assertEquals("", ExpectationCheck.judge(onWellFormed, found, S).note());
        assertEquals("", ExpectationCheck.judge(new Expectation("good", "trait.caps.output_rate", "plain", "all", "good",
                null, Expectation.Relation.AT_LEAST, 0.0, null, ""), found, S).note());
    }
}
