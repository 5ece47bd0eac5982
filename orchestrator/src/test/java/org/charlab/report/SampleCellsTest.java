package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.charlab.BadInput;
import org.charlab.eval.Metric;
import org.charlab.eval.MetricRegistry;
import org.charlab.eval.SampleRow;
import org.charlab.eval.Samples;
import org.charlab.stats.CrossedDesign;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streamed reduction of samples.jsonl ({@link SampleCells#read}) against the rows held in
 * memory, at full precision: the crossed designs compare builds from the cells equal, interval for
 * interval and bit for bit, the ones built as compare built them before, from every row's value
 * ({@link CrossedDesign#of}); the prompts and unclosed counts too.
 */
class SampleCellsTest {

    @TempDir
    Path dir;

    static final String[] METRICS = {"trait.caps.output_rate", "trait.caps.cot_rate", "trait.caps.gap",
            "trait.caps.agreement", "judge.tone.output_rate", "judge.tone.agreement", "trait.absent.output_rate",
            "quality.well_formed_rate", "legibility.cot_tokens", "legibility.unclosed_cot_share",
            "capability.accuracy.lookup"};
    static final String[] GROUPS = {"all", "in_distribution", "out_of_distribution", "lookup", "unknown"};
    static final String[] CONDITIONS = {"plain", "persona"};

    /** Rows with continuous presence scores (non-integer sums), judge nulls, unclosed CoTs, no-family prompts. */
    static List<SampleRow> rows(long seed, boolean integers) {
        return rows(seed, integers, true);
    }

    /** As above; {@code shuffled}: each run meets its prompts in its own order, else all in one order. */
    static List<SampleRow> rows(long seed, boolean integers, boolean shuffled) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<SampleRow> rows = new ArrayList<>();
        String[] families = {"arithmetic", "lookup", "advice", null};
        for (String c : CONDITIONS) {
            for (int p = 0; p < 13; p++) {
                String family = families[p % 4];
                for (int j = 0; j < 1 + p % 3; j++) {
                    boolean closed = rng.nextDouble() > 0.2;
                    Map<String, Double> s = new LinkedHashMap<>();
                    s.put("trait.caps.cot_present", integers ? (double) rng.nextInt(2) : rng.nextDouble());
                    s.put("trait.caps.output_present", closed ? (integers ? (double) rng.nextInt(2) : rng.nextDouble()) : null);
                    if (rng.nextDouble() < 0.7) {
                        s.put("judge.tone.output_present", rng.nextDouble() < 0.5 ? null : 1.0);
                        s.put("judge.tone.cot_present", (double) rng.nextInt(2));
                    }
                    s.put("quality.well_formed", (double) rng.nextInt(2));
                    if (family != null && !family.equals("advice")) {
                        s.put("accuracy", (double) rng.nextInt(2));
                    }
                    // the prompts of one run arrive in a shuffled order: compare numbers them by first appearance
                    String id = "p" + (shuffled ? (p * 7 + seed) % 13 : p);
                    rows.add(new SampleRow(c, id, family, j, rng.nextLong(), null, null, "cot \"text\" \u00e9",
                            closed ? "out" : "", closed, closed ? 1 : 0, 5, rng.nextInt(50), 3, 9,
                            closed ? "stop" : "length", s, Map.of(), family == null ? null : family.equals("advice")));
                }
            }
        }
        return rows;
    }

    private SampleCells streamed(List<SampleRow> rows, String name) throws Exception {
        Path f = dir.resolve(name + ".jsonl");
        Samples.write(f, rows);
        return SampleCells.read(f);
    }

    /** The design as compare built it from rows: one value per row, NaN when not selected. */
    private static CrossedDesign fromRows(List<List<SampleRow>> runs, long[] seeds, String metric, String cond,
            String group, Map<Long, Integer> seedIds, Map<String, Integer> promptIds) {
        ToDoubleFunction<SampleRow> f = PerSample.of(metric);
        List<double[]> parts = new ArrayList<>();
        int n = runs.stream().mapToInt(List::size).sum();
        double[] v = new double[n];
        int[] s = new int[n];
        int[] p = new int[n];
        int i = 0;
        for (int r = 0; r < runs.size(); r++) {
            int sid = seedIds.computeIfAbsent(seeds[r], k -> seedIds.size());
            for (SampleRow row : runs.get(r)) {
                v[i] = PerSample.selects(row, cond, group) ? f.applyAsDouble(row) : Double.NaN;
                s[i] = sid;
                p[i++] = promptIds.computeIfAbsent(row.promptId(), k -> promptIds.size());
            }
        }
        return CrossedDesign.of(v, s, p);
    }

    private static CrossedDesign fromCells(List<SampleCells> runs, long[] seeds, String metric, String cond,
            String group, Map<Long, Integer> seedIds, PromptNumbers promptIds) {
        SampleCells.Partials parts = new SampleCells.Partials();
        for (int r = 0; r < runs.size(); r++) {
            int sid = seedIds.computeIfAbsent(seeds[r], k -> seedIds.size());
            runs.get(r).addTo(parts, metric, cond, group, sid, promptIds);
        }
        return parts.design();
    }

    private void checkSame(List<List<SampleRow>> rowRuns, long[] seeds) throws Exception {
        List<SampleCells> cellRuns = new ArrayList<>();
        for (int r = 0; r < rowRuns.size(); r++) {
            cellRuns.add(streamed(rowRuns.get(r), "run" + r));
            assertEquals(rowRuns.get(r).size(), cellRuns.get(r).rows());
        }
        Map<List<String>, List<String>> shared = new HashMap<>();
        for (SampleCells c : cellRuns) {
            c.sharePrompts(shared); // as RunResults does: equal prompt lists become one object
        }
        int checked = 0;
        for (String m : METRICS) {
            for (String c : CONDITIONS) {
                for (String g : GROUPS) {
                    CrossedDesign old = fromRows(rowRuns, seeds, m, c, g, new HashMap<>(), new HashMap<>());
                    CrossedDesign now = fromCells(cellRuns, seeds, m, c, g, new HashMap<>(), new PromptNumbers());
                    String at = m + " " + c + " " + g;
                    assertEquals(old.observations(), now.observations(), at);
                    assertEquals(old.binary(), now.binary(), at);
                    assertEquals(old.mean(0.95), now.mean(0.95), at);
                    assertEquals(old.meanT(0.9), now.meanT(0.9), at);
                    // paired: the first run against the others, ids numbered through shared maps as compare does
                    Map<Long, Integer> so = new HashMap<>();
                    Map<String, Integer> po = new HashMap<>();
                    Map<Long, Integer> sn = new HashMap<>();
                    PromptNumbers pn = new PromptNumbers();
                    int k = rowRuns.size();
                    CrossedDesign oa = fromRows(rowRuns.subList(0, 1), seeds, m, c, g, so, po);
                    CrossedDesign ob = fromRows(rowRuns.subList(1, k), java.util.Arrays.copyOfRange(seeds, 1, k),
                            m, c, g, so, po);
                    CrossedDesign na = fromCells(cellRuns.subList(0, 1), seeds, m, c, g, sn, pn);
                    CrossedDesign nb = fromCells(cellRuns.subList(1, k), java.util.Arrays.copyOfRange(seeds, 1, k),
                            m, c, g, sn, pn);
                    if (oa.observations() > 0 && ob.observations() > 0) {
                        assertEquals(CrossedDesign.difference(oa, ob, 0.95), CrossedDesign.difference(na, nb, 0.95), at);
                        checked++;
                    }
                    TreeSet<String> prompts = new TreeSet<>();
                    int n = 0;
                    int out = 0;
                    for (SampleRow row : rowRuns.get(0)) {
                        if (PerSample.selects(row, c, g)) {
                            prompts.add(row.promptId());
                            n++;
                            out += row.hasOutput() ? 1 : 0;
                        }
                    }
                    TreeSet<String> cellPrompts = new TreeSet<>();
                    cellRuns.get(0).promptsOf(c, g, cellPrompts);
                    assertEquals(prompts, cellPrompts, at);
                    int[] counts = cellRuns.get(0).outputs(c, g);
                    assertEquals(n, counts[0], at);
                    assertEquals(out, counts[1], at);
                }
            }
        }
        assertTrue(checked > 50, "differences compared: " + checked);
    }

    @Test
    void streamedCellsGiveTheDesignsOfTheRowsBitForBit() throws Exception {
        checkSame(List.of(rows(1, false), rows(2, false), rows(3, false)), new long[] {0, 1, 2});
    }

    @Test
    void runsOnOnePromptListShareItsNumbersAndGiveTheSameDesigns() throws Exception {
        List<List<SampleRow>> runs = List.of(rows(7, false, false), rows(8, false, false), rows(9, false, false));
        checkSame(runs, new long[] {0, 1, 2});
        // the lists are shared, so PromptNumbers numbers the one list once and hands out the same numbers
        Map<List<String>, List<String>> shared = new HashMap<>();
        PromptNumbers numbers = new PromptNumbers();
        int[] first = null;
        for (int r = 0; r < runs.size(); r++) {
            SampleCells c = streamed(runs.get(r), "shared" + r);
            c.sharePrompts(shared);
            SampleCells.Partials parts = new SampleCells.Partials();
            c.addTo(parts, "trait.caps.cot_rate", "plain", "all", r, numbers);
            int[] p = java.util.Arrays.copyOf(parts.prompt, parts.size);
            if (first == null) {
                first = p;
            }
            assertArrayEquals(first, p, "run " + r);
        }
        assertEquals(1, shared.size());
    }

    @Test
    void runsSharingASeedPoolIntoItsCellsAsTheRowsDid() throws Exception {
        // integer values: the pooled cell sums are exact in any order
        checkSame(List.of(rows(4, true), rows(5, true), rows(6, true)), new long[] {0, 1, 1});
    }

    @Test
    void aTraitMetricIsNaNOnRowsWithoutScoresOfItsPrefix() {
        // SampleCells keeps no column for a prefix no score of the run carries: that must mean "NaN on every row"
        for (boolean closed : new boolean[] {true, false}) {
            SampleRow row = new SampleRow("plain", "p", "lookup", 0, 1, null, null, "c", closed ? "o" : "", closed,
                    1, 1, 4, 1, 5, "stop", Map.of("trait.caps.output_present", 1.0, "trait.caps.cot_present", 1.0,
                    "accuracy", 1.0, "quality.well_formed", 1.0), Map.of());
            for (Metric m : MetricRegistry.METRICS) {
                if (m.scope() == Metric.Scope.TRAIT && m.perSample() != null) {
                    ToDoubleFunction<SampleRow> f = m.perSampleOn("trait.other");
                    assertTrue(Double.isNaN(f.applyAsDouble(row)), m.name());
                }
            }
        }
    }

    @Test
    void aMalformedLineNamesFileAndLine() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, Samples.toLine(rows(1, true).get(0)) + "\n\n{\"condition\": \"plain\", \"sample\": 0, "
                + "\"seed\": 1}\n");
        BadInput e = assertThrows(BadInput.class, () -> SampleCells.read(f));
        assertEquals(f + ":3: not a samples.jsonl row: missing 'prompt_id'", e.getMessage());
        Files.writeString(f, Samples.toLine(rows(1, true).get(0)) + "\n{\"condition\": \n");
        BadInput e2 = assertThrows(BadInput.class, () -> SampleCells.read(f));
        assertTrue(e2.getMessage().startsWith(f + ":2: not a samples.jsonl row: "), e2.getMessage());
    }
}
