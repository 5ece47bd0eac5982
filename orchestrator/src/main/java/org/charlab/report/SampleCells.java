package org.charlab.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.charlab.eval.Metric;
import org.charlab.eval.MetricRegistry;
import org.charlab.eval.SampleRow;
import org.charlab.eval.SampleScan;
import org.charlab.eval.ScoredSample;

/**
 * One run's samples.jsonl reduced in a single pass to what compare and report compute from it, so
 * that no row is kept: per cell class (condition, prompt, family, distribution: the rows a
 * metric's (condition, family) selects are whole classes) the number of rows, of rows with an output,
 * and for every per-sample metric value ({@link PerSample}) the sum and count of its non-NaN values
 * and whether all were 0 or 1. That is exactly what {@link org.charlab.stats.CrossedDesign} builds
 * from the rows (its cells are (seed, prompt) sums and counts), so the estimates do not change; the
 * sums are accumulated in row order as before.
 *
 * <p>Columns: every per-sample metric without a trait prefix, and the trait metrics of every
 * prefix {@code trait.x} / {@code judge.x} some score name of the run carries ({@code
 * trait.caps.output_present} -> {@code trait.caps}). A pooled view of metrics.json's "pools" (a suffix
 * set's conditions together, {@link org.charlab.eval.Conditions#pools}) gets each of its conditions'
 * rows once more under its own name, so it is estimated and paired like any condition; {@link #rows}
 * counts each row once. A trait metric of a prefix the run has no score
 * for is NaN on every row (its values read {@code <p>.*} scores; SampleCellsTest checks this for every
 * registered trait metric), so it has no column and no cells.
 */
public final class SampleCells {

    /** Prompt ids in order of first appearance, any condition: how compare numbers prompts. */
    private List<String> prompts = new ArrayList<>();
    private final Map<String, Integer> promptIndex = new HashMap<>();
    /** condition -> prompt id -> first class of that (condition, prompt); more via {@link #next}. */
    private final Map<String, Map<String, Integer>> classIndex = new HashMap<>();
    private String[] condition = new String[16];
    private int[] prompt = new int[16];
    private String[] family = new String[16];
    private Boolean[] ood = new Boolean[16];
    private int[] next = new int[16];
    private int[] rows = new int[16];
    private int[] withOutput = new int[16];
    private int classes;
    private final Map<String, Column> columns = new LinkedHashMap<>();
    private Column[] columnArray = new Column[0];
    private final Set<String> seenScores = new HashSet<>();
    /** (condition, group) -> the classes it selects ({@link #selected}); cleared when a class is added. */
    private final Map<List<String>, int[]> selected = new ConcurrentHashMap<>(); // read by compare's parallel keys

    /** One per-sample value: per class, sum and count of the non-NaN values, and whether one was not 0/1. */
    private static final class Column {
        final ToDoubleFunction<ScoredSample> f;
        double[] sum;
        int[] count;
        boolean[] nonBinary;

        Column(ToDoubleFunction<ScoredSample> f, int capacity) {
            this.f = f;
            sum = new double[capacity];
            count = new int[capacity];
            nonBinary = new boolean[capacity];
        }
    }

    private SampleCells() {
        for (Metric m : MetricRegistry.METRICS) {
            if (m.perSample() != null && m.scope() != Metric.Scope.TRAIT) {
                addColumn(m.name(), m.perSampleOn(null));
            }
        }
    }

    /** The class of the last row added, and its condition and prompt id objects ({@link #classOf}). */
    private int last = -1;
    private String lastCond;
    private String lastPrompt;

    /** Pooled view of each condition that belongs to one (condition -> pool). */
    private final Map<String, String> poolOf = new HashMap<>();
    /** Rows read (each once, whatever the pools). */
    private int rowCount;

    /** The cells of rows held in memory (tests, small evaluations). */
    public static SampleCells of(List<SampleRow> rows) {
        return of(rows, Map.of());
    }

    /** The cells of rows held in memory, with pooled views (pool -> its conditions). */
    public static SampleCells of(List<SampleRow> rows, Map<String, List<String>> pools) {
        SampleCells c = new SampleCells();
        c.pools(pools);
        for (SampleRow r : rows) {
            for (String s : r.scores().keySet()) {
                c.noteScore(s);
            }
            c.add(r.condition(), r.promptId(), r.family(), r.ood(), r);
        }
        return c;
    }

    /** The cells of a samples.jsonl, read once with the streaming reader ({@link SampleScan}). */
    public static SampleCells read(Path file) {
        return read(file, Map.of());
    }

    /** The cells of a samples.jsonl with pooled views (pool -> its conditions, metrics.json's "pools"). */
    public static SampleCells read(Path file, Map<String, List<String>> pools) {
        SampleCells c = new SampleCells();
        c.pools(pools);
        int[] noted = {0};
        SampleScan.scan(file, r -> {
            for (int i = noted[0]; i < r.namesSeen(); i++) {
                c.noteScore(r.nameSeen(i)); // a name not seen on an earlier row
            }
            noted[0] = r.namesSeen();
            c.add(r.condition(), r.promptId(), r.family(), r.ood(), r);
        });
        return c;
    }

    private void pools(Map<String, List<String>> pools) {
        pools.forEach((pool, members) -> members.forEach(m -> poolOf.put(m, pool)));
    }

    /** One row: into its condition's class, and its pool's when its condition has one. */
    private void add(String cond, String promptId, String fam, Boolean out, ScoredSample s) {
        rowCount++;
        accumulate(classOf(cond, promptId, fam, out), s);
        String pool = poolOf.get(cond);
        if (pool != null) {
            accumulate(findClass(pool, promptId, fam, out), s);
        }
    }

    /**
     * Swaps this run's prompt list for an equal one an earlier run holds ({@code shared}: list ->
     * itself, filled by the caller run by run), so the runs of a sweep share one list object and
     * {@link PromptNumbers} numbers it once per design. Call once reading is done.
     */
    void sharePrompts(Map<List<String>, List<String>> shared) {
        prompts = shared.computeIfAbsent(List.copyOf(prompts), l -> l);
    }

    /** Number of rows. */
    public int rows() {
        return rowCount;
    }

    private void noteScore(String name) {
        if (!seenScores.add(name)) {
            return;
        }
        int dot = name.lastIndexOf('.');
        String prefix = dot < 0 ? "" : name.substring(0, dot);
        if (!(prefix.startsWith("trait.") || prefix.startsWith("judge.")) || prefix.length() < 7) {
            return;
        }
        for (Metric m : MetricRegistry.METRICS) {
            if (m.perSample() != null && m.scope() == Metric.Scope.TRAIT) {
                String key = m.name().replace("<p>", prefix);
                if (!columns.containsKey(key)) {
                    addColumn(key, m.perSampleOn(prefix));
                }
            }
        }
    }

    private void addColumn(String key, ToDoubleFunction<ScoredSample> f) {
        columns.put(key, new Column(f, condition.length));
        columnArray = columns.values().toArray(new Column[0]);
    }

    private int classOf(String cond, String promptId, String fam, Boolean out) {
        // consecutive rows mostly share their class, and the streaming reader hands out the same
        // String objects for repeated texts: compare references before hashing anything
        if (last >= 0 && cond == lastCond && promptId == lastPrompt && fam == family[last] && out == ood[last]) {
            return last;
        }
        last = findClass(cond, promptId, fam, out);
        lastCond = cond;
        lastPrompt = promptId;
        return last;
    }

    private int findClass(String cond, String promptId, String fam, Boolean out) {
        Integer pi = promptIndex.get(promptId);
        if (pi == null) {
            pi = prompts.size();
            prompts.add(promptId);
            promptIndex.put(promptId, pi);
        }
        Map<String, Integer> byPrompt = classIndex.computeIfAbsent(cond, k -> new HashMap<>());
        Integer head = byPrompt.get(promptId);
        int tail = -1;
        for (int c = head == null ? -1 : head; c >= 0; c = next[c]) {
            if (java.util.Objects.equals(family[c], fam) && java.util.Objects.equals(ood[c], out)) {
                return c;
            }
            tail = c;
        }
        if (classes == condition.length) {
            grow(2 * classes);
        }
        int c = classes++;
        selected.clear(); // a new class: the selections computed so far may miss it
        condition[c] = cond;
        prompt[c] = pi;
        family[c] = fam;
        ood[c] = out;
        next[c] = -1;
        if (tail < 0) {
            byPrompt.put(promptId, c);
        } else {
            next[tail] = c;
        }
        return c;
    }

    private void grow(int n) {
        condition = Arrays.copyOf(condition, n);
        prompt = Arrays.copyOf(prompt, n);
        family = Arrays.copyOf(family, n);
        ood = Arrays.copyOf(ood, n);
        next = Arrays.copyOf(next, n);
        rows = Arrays.copyOf(rows, n);
        withOutput = Arrays.copyOf(withOutput, n);
        for (Column col : columnArray) {
            col.sum = Arrays.copyOf(col.sum, n);
            col.count = Arrays.copyOf(col.count, n);
            col.nonBinary = Arrays.copyOf(col.nonBinary, n);
        }
    }

    private void accumulate(int c, ScoredSample s) {
        rows[c]++;
        if (s.hasOutput()) {
            withOutput[c]++;
        }
        for (Column col : columnArray) {
            double v = col.f.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                col.sum[c] += v;
                col.count[c]++;
                if (v != 0 && v != 1) {
                    col.nonBinary[c] = true;
                }
            }
        }
    }

    /** The classes a (condition, family group) selects, in class order; computed once per pair. */
    private int[] selected(String cond, String group) {
        return selected.computeIfAbsent(List.of(cond, group), k -> {
            int[] out = new int[classes];
            int n = 0;
            for (int c = 0; c < classes; c++) {
                if (condition[c].equals(cond) && SampleRow.inGroup(group, family[c], ood[c])) {
                    out[n++] = c;
                }
            }
            return java.util.Arrays.copyOf(out, n);
        });
    }

    /** The column of an entry name of metrics.json, e.g. trait.caps.output_rate, capability.accuracy.lookup. */
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();

    static String columnKey(String metric) {
        return KEYS.computeIfAbsent(metric, m -> {
            MetricRegistry.Match match = MetricRegistry.match(m);
            if (match == null || match.metric().perSample() == null) {
                return "";
            }
            return match.prefix() == null ? match.metric().name() : match.metric().name().replace("<p>", match.prefix());
        });
    }

    /**
     * Adds this run's cells of {@code metric}'s per-sample value in ({@code condition}, {@code family})
     * to {@code into} as replicate {@code seed}; every prompt of the run is first numbered through
     * {@code numbers} in order of first appearance, as the rows would number them.
     */
    void addTo(Partials into, String metric, String cond, String group, int seed, PromptNumbers numbers) {
        int[] global = numbers.of(prompts);
        Column col = columns.get(columnKey(metric));
        if (col == null) {
            return;
        }
        for (int c : selected(cond, group)) {
            if (col.count[c] > 0) {
                into.add(seed, global[prompt[c]], col.sum[c], col.count[c], !col.nonBinary[c]);
            }
        }
    }

    /** Adds the prompt ids with rows in ({@code condition}, {@code family}) to {@code out}. */
    void promptsOf(String cond, String group, Set<String> out) {
        for (int c : selected(cond, group)) {
            out.add(prompts.get(prompt[c]));
        }
    }

    /** Rows in ({@code condition}, {@code family}) and those with an output: {n, withOutput}. */
    int[] outputs(String cond, String group) {
        int[] out = new int[2];
        for (int c : selected(cond, group)) {
            out[0] += rows[c];
            out[1] += withOutput[c];
        }
        return out;
    }

    /** Partial cells of a crossed design, in the order rows would have reached them. */
    static final class Partials {
        int[] seed = new int[64];
        int[] prompt = new int[64];
        double[] sum = new double[64];
        int[] count = new int[64];
        boolean binary = true;
        int size;

        void add(int s, int p, double total, int n, boolean allBinary) {
            if (size == seed.length) {
                seed = Arrays.copyOf(seed, 2 * size);
                prompt = Arrays.copyOf(prompt, 2 * size);
                sum = Arrays.copyOf(sum, 2 * size);
                count = Arrays.copyOf(count, 2 * size);
            }
            seed[size] = s;
            prompt[size] = p;
            sum[size] = total;
            count[size++] = n;
            binary &= allBinary;
        }

        org.charlab.stats.CrossedDesign design() {
            return org.charlab.stats.CrossedDesign.ofCells(Arrays.copyOf(seed, size), Arrays.copyOf(prompt, size),
                    Arrays.copyOf(sum, size), Arrays.copyOf(count, size), binary);
        }
    }
}
