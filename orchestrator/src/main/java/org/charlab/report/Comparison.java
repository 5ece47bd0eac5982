package org.charlab.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.charlab.eval.MetricEntry;
import org.charlab.eval.SampleRow;
import org.charlab.stats.Clusters;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
import org.charlab.stats.PairedBootstrap;
import org.charlab.stats.PairedDifference;
import org.charlab.stats.SeedBootstrap;

/**
 * Per metric, the estimate and interval of every group of runs (an arm at one grid point, seeds
 * aggregated), and optionally the paired difference against a baseline group.
 *
 * <p>Seeds, following Tan et al. 2025: one run -> its own interval from metrics.json; several ->
 * for per-sample means, the hierarchical bootstrap (resample seeds, then prompts within seed) of
 * the mean of seed means; for other metrics (correlations, ratios, pooled legibility rates), the
 * mean of the per-seed estimates with a bootstrap over seeds (coarse with few seeds: it says so
 * through its n). Differences against the baseline are paired over prompts with every seed of a
 * prompt kept together (the same prompt draw for both groups), for per-sample means only, and
 * only where both groups were evaluated on the same prompts.
 */
public final class Comparison {

    /** Bootstrap settings for the intervals compare computes itself. */
    public record Settings(Method method, double level, int resamples, long seed) {
        public static Settings defaults() {
            return new Settings(Method.PERCENTILE, 0.95, 2000, 0);
        }
    }

    /**
     * One line of the comparison. {@code delta} is null without a baseline or when not paired ({@code note} says
     * why). {@code unclosed}: for trait metrics, the group's share of samples in (condition, family) whose CoT
     * never closed (output-side rates leave those out, {@link org.charlab.eval.OutputMetrics}); NaN otherwise.
     */
    public record Row(String group, String metric, String condition, String family, int seeds, Interval value,
            PairedDifference delta, String note, double unclosed) {

        public Row(String group, String metric, String condition, String family, int seeds, Interval value,
                PairedDifference delta, String note) {
            this(group, metric, condition, family, seeds, value, delta, note, Double.NaN);
        }
    }

    private Comparison() {
    }

    public static List<Row> compute(List<RunResult> runs, Predicate<MetricEntry> include, String baseline, Settings s) {
        Map<String, List<RunResult>> groups = new LinkedHashMap<>();
        for (RunResult r : runs) {
            groups.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r);
        }
        if (baseline != null && runs.stream().noneMatch(r -> r.matchesBaseline(baseline))) {
            throw new org.charlab.config.BadInput("--baseline '" + baseline + "' is not an arm or group of these runs: "
                    + groups.keySet());
        }
        Map<String, String> baselineOf = baselineGroups(runs, baseline);
        Set<String> keys = new LinkedHashSet<>();
        for (RunResult r : runs) {
            for (MetricEntry e : r.metrics()) {
                if (include.test(e)) {
                    keys.add(e.name() + "\u0000" + e.condition() + "\u0000" + e.family());
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String k : keys) {
            String[] parts = k.split("\u0000");
            for (Map.Entry<String, List<RunResult>> g : groups.entrySet()) {
                Interval value = aggregate(g.getValue(), parts[0], parts[1], parts[2], s);
                if (value == null) {
                    continue;
                }
                PairedDifference delta = null;
                String note = "";
                String base = baselineOf.get(g.getKey());
                if (baseline != null && base == null) {
                    note = "not paired: no run of '" + baseline + "' at this grid point";
                } else if (baseline != null && !g.getKey().equals(base)) {
                    ToDoubleFunction<SampleRow> f = PerSample.of(parts[0]);
                    if (f == null) {
                        note = "not paired: not a per-sample mean";
                    } else {
                        Paired p = paired(g.getValue(), groups.get(base), f, parts[1], parts[2], s);
                        delta = p.delta;
                        note = p.note;
                    }
                }
                double unclosed = org.charlab.eval.OutputMetrics.isTrait(parts[0])
                        ? Unclosed.of(g.getValue(), parts[1], parts[2]).share() : Double.NaN;
                rows.add(new Row(g.getKey(), parts[0], parts[1], parts[2], g.getValue().size(), value, delta, note,
                        unclosed));
            }
        }
        return rows;
    }

    /**
     * Each group's baseline group: the baseline group itself when {@code baseline} names a group,
     * else the group of the baseline arm at the same grid point (so a sweep with a grid compares
     * methods within each grid value, never across them) in the same experiment when groups are
     * kept apart by experiment, or, when that experiment has none, the only one at that point.
     * Groups without one are absent.
     */
    static Map<String, String> baselineGroups(List<RunResult> runs, String baseline) {
        Map<String, String> out = new LinkedHashMap<>();
        if (baseline == null) {
            return out;
        }
        boolean isGroup = runs.stream().anyMatch(r -> r.group().equals(baseline));
        Map<String, String> basePerScopedPoint = new LinkedHashMap<>();
        Map<String, Set<String>> basePerPoint = new LinkedHashMap<>();
        for (RunResult r : runs) {
            if (r.arm().equals(baseline)) {
                basePerScopedPoint.put(r.scope() + "\u0000" + r.point(), r.group());
                basePerPoint.computeIfAbsent(r.point(), p -> new LinkedHashSet<>()).add(r.group());
            }
        }
        for (RunResult r : runs) {
            String b = isGroup ? baseline : basePerScopedPoint.get(r.scope() + "\u0000" + r.point());
            Set<String> anyScope = basePerPoint.getOrDefault(r.point(), Set.of());
            if (b == null && anyScope.size() == 1) {
                b = anyScope.iterator().next();
            }
            if (b != null) {
                out.put(r.group(), b);
            }
        }
        return out;
    }

    /** A group's interval for one metric, or null when no run of it has the metric. */
    static Interval aggregate(List<RunResult> runs, String metric, String condition, String family, Settings s) {
        List<MetricEntry> perRun = new ArrayList<>();
        for (RunResult r : runs) {
            MetricEntry e = org.charlab.eval.MetricsReport.find(r.metrics(), metric, condition, family);
            if (e != null) {
                perRun.add(e);
            }
        }
        if (perRun.isEmpty()) {
            return null;
        }
        if (runs.size() == 1) {
            return perRun.get(0).interval();
        }
        ToDoubleFunction<SampleRow> f = PerSample.of(metric);
        if (f != null) {
            double[][] values = new double[runs.size()][];
            int[][] clusters = new int[runs.size()][];
            Map<String, Integer> promptIds = new HashMap<>();
            for (int i = 0; i < runs.size(); i++) {
                List<Double> v = new ArrayList<>();
                List<Integer> c = new ArrayList<>();
                for (SampleRow r : runs.get(i).samples()) {
                    double x = PerSample.selects(r, condition, family) ? f.applyAsDouble(r) : Double.NaN;
                    if (!Double.isNaN(x)) {
                        v.add(x);
                        c.add(promptIds.computeIfAbsent(r.promptId(), p -> promptIds.size()));
                    }
                }
                values[i] = v.stream().mapToDouble(Double::doubleValue).toArray();
                clusters[i] = c.stream().mapToInt(Integer::intValue).toArray();
            }
            return SeedBootstrap.hierarchical(values, clusters, s.method(), s.level(), s.resamples(), s.seed());
        }
        double[][] estimates = new double[perRun.size()][];
        for (int i = 0; i < perRun.size(); i++) {
            MetricEntry e = perRun.get(i);
            if (!e.isDefined()) {
                return Interval.undefined("undefined in run " + runs.get(i).runId() + ": " + e.interval().undefinedReason(),
                        s.method(), s.level(), s.resamples(), s.seed(), perRun.size(), perRun.size(), "seed-means");
            }
            estimates[i] = new double[] {e.estimate()};
        }
        return SeedBootstrap.seedMeans(estimates, s.method(), s.level(), s.resamples(), s.seed());
    }

    private record Paired(PairedDifference delta, String note) {
    }

    /** A paired difference (null when it cannot be paired, {@code note} says why). */
    public record Delta(PairedDifference delta, String note) {
    }

    /** The paired difference arm - base for a per-sample-mean metric. */
    public static Delta difference(List<RunResult> arm, List<RunResult> base, String metric, String condition,
            String family, Settings s) {
        ToDoubleFunction<SampleRow> f = PerSample.of(metric);
        if (f == null) {
            return new Delta(null, "not paired: " + metric + " is not a per-sample mean");
        }
        Paired p = paired(arm, base, f, condition, family, s);
        return new Delta(p.delta, p.note);
    }

    /** The runs of an arm (its group label, or its arm name), optionally only those evaluated by one stage. */
    public static List<RunResult> runsOf(List<RunResult> runs, String arm, String stage) {
        return runs.stream().filter(r -> (r.group().equals(arm) || r.arm().equals(arm))
                && (stage == null || stage.equals(r.stage()))).toList();
    }

    private static Paired paired(List<RunResult> arm, List<RunResult> base, ToDoubleFunction<SampleRow> f,
            String condition, String family, Settings s) {
        Set<String> armPrompts = prompts(arm, condition, family);
        Set<String> basePrompts = prompts(base, condition, family);
        if (!armPrompts.equals(basePrompts)) {
            Set<String> onlyArm = new TreeSet<>(armPrompts);
            onlyArm.removeAll(basePrompts);
            Set<String> onlyBase = new TreeSet<>(basePrompts);
            onlyBase.removeAll(armPrompts);
            return new Paired(null, "not paired: evaluated on different prompts (" + onlyArm.size() + " only here, "
                    + onlyBase.size() + " only in the baseline)");
        }
        Map<String, Integer> ids = new HashMap<>();
        Clusters a = clusters(arm, f, condition, family, ids);
        Clusters b = clusters(base, f, condition, family, ids);
        try {
            return new Paired(PairedBootstrap.difference(a, b, s.method(), s.level(), s.resamples(), s.seed()), "");
        } catch (IllegalArgumentException e) {
            return new Paired(null, "not paired: " + e.getMessage());
        }
    }

    private static Set<String> prompts(List<RunResult> runs, String condition, String family) {
        Set<String> out = new TreeSet<>();
        for (RunResult r : runs) {
            for (SampleRow row : r.samples()) {
                if (PerSample.selects(row, condition, family)) {
                    out.add(row.promptId());
                }
            }
        }
        return out;
    }

    private static Clusters clusters(List<RunResult> runs, ToDoubleFunction<SampleRow> f, String condition, String family,
            Map<String, Integer> ids) {
        List<Double> v = new ArrayList<>();
        List<Integer> c = new ArrayList<>();
        for (RunResult r : runs) {
            for (SampleRow row : r.samples()) {
                double x = PerSample.selects(row, condition, family) ? f.applyAsDouble(row) : Double.NaN;
                if (!Double.isNaN(x)) {
                    v.add(x);
                    c.add(ids.computeIfAbsent(row.promptId(), p -> ids.size()));
                }
            }
        }
        return Clusters.of(v.stream().mapToDouble(Double::doubleValue).toArray(), c.stream().mapToInt(Integer::intValue).toArray());
    }
}
