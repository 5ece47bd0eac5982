package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.charlab.stats.Interval;
import org.charlab.stats.Wilson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCalculatorTest {

    static final BootstrapSettings BOOT = new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE, 0.95, 1000, 7);

    /**
     * 4 prompt patterns x 2 samples; (cot present, output present) per sample. Repeated 5 times under
     * new prompt ids (20 prompts): rates and correlations are unchanged by the repetition, and with 20
     * prompts no bootstrap resample has a constant column (with 4, some would, and the correlation
     * interval would rightly be undefined).
     */
    static List<SampleRow> twoPerPrompt() {
        double[][] v = {{1, 1}, {1, 0}, {0, 1}, {0, 1}, {1, 1}, {0, 1}, {0, 0}, {1, 0}};
        List<SampleRow> rows = new ArrayList<>();
        for (int rep = 0; rep < 5; rep++) {
            for (int i = 0; i < v.length; i++) {
                rows.add(EvalTestRows.scored("r" + rep + "p" + (i / 2 + 1), i % 2, v[i][0], v[i][1]));
            }
        }
        return rows;
    }

    @Test
    void traitMetricsMatchHandComputedValues() {
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(twoPerPrompt());
        assertEquals(5.0 / 8, get(m, "trait.x.output_rate").estimate(), 1e-12);
        assertEquals(4.0 / 8, get(m, "trait.x.cot_rate").estimate(), 1e-12);
        assertEquals(1.0 / 8, get(m, "trait.x.gap").estimate(), 1e-12);
        assertEquals(3.0 / 8, get(m, "trait.x.agreement").estimate(), 1e-12);
        assertEquals(0.8, get(m, "trait.x.cot_generalization_ratio").estimate(), 1e-12);
        // per-prompt means: cot (1, 0, .5, .5), output (.5, 1, 1, 0): r = -.25 / sqrt(.5 * .6875)
        MetricEntry pearson = get(m, "trait.x.pearson");
        assertEquals(-0.25 / Math.sqrt(0.5 * 0.6875), pearson.estimate(), 1e-12, pearson.toString());
        // average ranks: cot (4, 1, 2.5, 2.5), output (2, 3.5, 3.5, 1)
        assertEquals(pearson(new double[] {4, 1, 2.5, 2.5}, new double[] {2, 3.5, 3.5, 1}),
                get(m, "trait.x.spearman").estimate(), 1e-12);

        MetricEntry rate = get(m, "trait.x.output_rate");
        assertEquals("cluster", rate.interval().resampling(), "several samples per prompt: resample prompts");
        assertEquals(40, rate.n());
        assertEquals(20, rate.clusters());
        assertEquals(1000, rate.interval().resamples());
        assertEquals(7, rate.interval().seed());
        assertEquals("paired-cluster", get(m, "trait.x.gap").interval().resampling());
        assertEquals("iid-pairs", get(m, "trait.x.pearson").interval().resampling());
        assertEquals(20, get(m, "trait.x.pearson").clusters());
        for (MetricEntry e : m) {
            if (e.isDefined()) {
                assertTrue(e.interval().low() <= e.estimate() + 1e-12 && e.estimate() <= e.interval().high() + 1e-12,
                        e.toString());
            }
        }
        // per family too
        assertNotNull(MetricsReport.find(m, "trait.x.output_rate", "plain", "arithmetic"));
    }

    @Test
    void markedRowsAddInAndOutOfDistributionGroupsOverExactlyTheirSamples() throws Exception {
        // reps 0-1 (16 samples, 8 prompts) out of distribution with the trait never in the output;
        // reps 2-4 (24 samples) in distribution with the 5/8 of twoPerPrompt
        List<SampleRow> rows = new ArrayList<>();
        for (SampleRow r : twoPerPrompt()) {
            boolean ood = r.promptId().startsWith("r0") || r.promptId().startsWith("r1");
            rows.add(ood ? r.withScores(Map.of("trait.x.output", 0.0, "trait.x.output_present", 0.0), Map.of())
                    .withOod(true) : r.withOod(false));
        }
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(rows);
        MetricEntry in = MetricsReport.find(m, "trait.x.output_rate", "plain", MetricEntry.IN_DISTRIBUTION);
        MetricEntry out = MetricsReport.find(m, "trait.x.output_rate", "plain", MetricEntry.OUT_OF_DISTRIBUTION);
        assertEquals(5.0 / 8, in.estimate(), 1e-12);
        assertEquals(24, in.n());
        assertEquals(12, in.clusters());
        assertEquals(0.0, out.estimate(), 1e-12);
        assertEquals(16, out.n());
        assertEquals(15.0 / 40, MetricsReport.find(m, "trait.x.output_rate", "plain", "all").estimate(), 1e-12);

        assertEquals(null, MetricsReport.find(new MetricsCalculator(BOOT).compute(twoPerPrompt()), "trait.x.output_rate",
                "plain", MetricEntry.IN_DISTRIBUTION), "unmarked rows: no distribution groups");
        SampleRow marked = rows.get(0);
        SampleRow back = Samples.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(Samples.toLine(marked)));
        assertEquals(Boolean.TRUE, back.ood(), "samples.jsonl keeps the mark");
        assertEquals(null, Samples.parse(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Samples.toLine(twoPerPrompt().get(0)))).ood());
        assertTrue(marked.inGroup(MetricEntry.OUT_OF_DISTRIBUTION) && !marked.inGroup(MetricEntry.IN_DISTRIBUTION)
                && marked.inGroup("all") && marked.inGroup("arithmetic") && !marked.inGroup("lookup"));
    }

    @Test
    void aCorrelationOverFewPromptsWithDegenerateResamplesIsUndefinedWithAReason() {
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(twoPerPrompt().subList(0, 8));
        MetricEntry r = get(m, "trait.x.pearson");
        assertFalse(r.isDefined());
        assertTrue(r.interval().undefinedReason().contains("resamples"), r.interval().undefinedReason());
    }

    @Test
    void bcaCorrelationsOverTwoPromptsWithOutputsAreUndefinedWithAReason() {
        List<SampleRow> rows = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            rows.add(EvalTestRows.scored("a", s, 0.2, 0.1));
            rows.add(EvalTestRows.scored("b", s, 0.9, 0.7));
            // prompt c never closed its CoT: no output, so the correlations see prompts a and b only
            SampleRow c = EvalTestRows.scored("c", s, 1, 0);
            rows.add(new SampleRow(c.condition(), c.promptId(), c.family(), s, 0, null, null, c.cot(), "", false, 0,
                    10, 1, 0, 20, "length", c.scores(), Map.of()));
        }
        BootstrapSettings bca = new BootstrapSettings(BootstrapSettings.BootMethod.BCA, 0.95, 500, 7);
        List<MetricEntry> m = new MetricsCalculator(bca).compute(rows);
        for (String name : List.of("trait.x.pearson", "trait.x.spearman")) {
            MetricEntry r = get(m, name);
            assertEquals(2, r.clusters(), r.toString());
            assertFalse(r.isDefined(), r.toString());
            assertNotNull(r.interval().undefinedReason(), name);
        }
    }

    @Test
    void oneSamplePerPromptRatesUseWilson() {
        List<SampleRow> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(EvalTestRows.scored("p" + i, 0, i < 3 ? 1 : 0, i < 6 ? 1 : 0));
        }
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(rows);
        Interval w = Wilson.interval(6, 10, 0.95);
        MetricEntry out = get(m, "trait.x.output_rate");
        assertEquals("wilson", out.interval().method().label());
        assertEquals(w.low(), out.interval().low(), 1e-15);
        assertEquals(w.high(), out.interval().high(), 1e-15);
        assertEquals(0.5, get(m, "trait.x.cot_generalization_ratio").estimate(), 1e-12);
    }

    @Test
    void aHigherLevelGivesAWiderInterval() {
        List<MetricEntry> narrow = new MetricsCalculator(new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE, 0.5,
                1000, 7)).compute(twoPerPrompt());
        List<MetricEntry> wide = new MetricsCalculator(BOOT).compute(twoPerPrompt());
        for (String name : List.of("trait.x.output_rate", "trait.x.gap", "trait.x.agreement")) {
            assertTrue(get(wide, name).interval().width() > get(narrow, name).interval().width(), name);
        }
    }

    @Test
    void ratioIsUndefinedNotInfiniteWhenNoOutputShowsTheTrait(@TempDir Path dir) throws Exception {
        List<SampleRow> rows = List.of(EvalTestRows.scored("a", 0, 1, 0), EvalTestRows.scored("b", 0, 0, 0),
                EvalTestRows.scored("c", 0, 1, 0));
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(rows);
        MetricEntry r = get(m, "trait.x.cot_generalization_ratio");
        assertFalse(r.isDefined());
        Path f = dir.resolve("metrics.json");
        MetricsReport.write(f, m, BOOT, rows.size());
        String json = Files.readString(f);
        assertFalse(json.contains("Infinity") || json.contains("NaN"), json);
        assertTrue(json.contains("\"undefined\" : \"output rate is 0"), json);
        // read back
        List<MetricEntry> back = MetricsReport.read(f);
        assertEquals(m.size(), back.size());
        MetricEntry rb = MetricsReport.find(back, "trait.x.cot_generalization_ratio", "plain", "all");
        assertFalse(rb.isDefined());
        MetricEntry cot = MetricsReport.find(back, "trait.x.cot_rate", "plain", "all");
        assertEquals(get(m, "trait.x.cot_rate").interval().low(), cot.interval().low());
        assertEquals(get(m, "trait.x.cot_rate").interval().method(), cot.interval().method());
    }

    @Test
    void legibilityMetricsOnCraftedCots() {
        LegibilitySettings ls = new LegibilitySettings(LegibilitySettings.defaults().oddWords(), List.of("hmm", "wait"), 2);
        SampleRow a = new SampleRow("plain", "p1", "advice", 0, 0, null, null,
                "Hmm, the watchers overshadow the plan. Wait, let me think. Hmm.", "ok", true, 1, 5, 100, 1, 100, "stop",
                Map.of(), Map.of());
        SampleRow b = new SampleRow("plain", "p2", "advice", 0, 0, null, null, "план готов ok a b a b a b", "", false, 0,
                5, 300, 0, 300, "length", Map.of(), Map.of());
        Legibility.Counts ca = new Legibility(ls).count(a.cot());
        assertEquals(new Legibility.Counts(2, 3, 48, 0, 10, 0), ca);
        Legibility.Counts cb = new Legibility(ls).count(b.cot());
        assertEquals(9, cb.nonLatinLetters());
        assertEquals(9 + 2 + 6, cb.letters());
        assertEquals(8, cb.ngrams()); // 9 words, bigrams
        assertEquals(3, cb.repeatedNgrams()); // "a b" x3, "b a" x2: 2 + 1 repeats

        List<SampleRow> rows = Scorer.applyAll(List.of(a, b), List.of(Scorers.legibility(ls)));
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(rows);
        assertEquals(1000.0 * 2 / 400, get(m, "legibility.odd_words_per_1k").estimate(), 1e-12);
        assertEquals(1000.0 * 3 / 400, get(m, "legibility.filler_rate").estimate(), 1e-12);
        assertEquals(9.0 / (48 + 17), get(m, "legibility.non_latin_share").estimate(), 1e-12);
        assertEquals(3.0 / 18, get(m, "legibility.repeated_ngram_rate").estimate(), 1e-12);
        assertEquals(200.0, get(m, "legibility.cot_tokens").estimate(), 1e-12);
        assertEquals(0.5, get(m, "legibility.unclosed_cot_share").estimate(), 1e-12);
        assertEquals("cluster-ratio", get(m, "legibility.odd_words_per_1k").interval().resampling());
    }

    @Test
    void wordsKeepApostrophesAndAnyScript() {
        assertEquals(List.of("don't", "wait", "привет", "日本"), Legibility.words("Don't... WAIT: привет 日本!"));
    }

    static double pearson(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    static MetricEntry get(List<MetricEntry> m, String name) {
        return ScorersTest.get(m, name);
    }
}
