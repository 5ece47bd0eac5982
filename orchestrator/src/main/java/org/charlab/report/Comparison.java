package org.charlab.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.charlab.eval.MetricEntry;
import org.charlab.stats.CrossedDesign;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
import org.charlab.stats.PairedDifference;
import org.charlab.stats.StudentT;

/**
 * Per metric, the estimate and interval of every group of runs (an arm at one grid point, seeds
 * aggregated), and optionally the paired difference against a baseline group.
 *
 * <p>Per-sample means (rates, accuracies, see {@link PerSample}), from one run or many: the mean
 * of seed means with the crossed seed x prompt interval of {@link CrossedDesign} (replicate = the
 * run's seed, cluster = the prompt id; Korn-Graubard for 0/1 values, t otherwise; one run
 * generalises over prompts only). Other metrics (correlations, ratios, pooled legibility rates):
 * one run -> its own interval from metrics.json; several -> the mean of the per-seed estimates
 * with a t interval over seeds (df = seeds - 1), which generalises over seeds for these prompts
 * only. Differences against the baseline, for per-sample means only and only where both groups
 * were evaluated on the same prompts, pair runs of the same seed and prompts by id and go
 * through the same crossed estimator (t interval and p-value). Runs of one group that share a
 * seed are pooled into that seed's cells. See docs/results-format.md, "Intervals across seeds
 * and prompts".
 */
public final class Comparison {

    /**
     * Settings of the intervals compare computes itself. Only the level applies to the crossed and
     * seed t intervals; method, resamples and seed are kept for callers and older options.
     * {@code wellFormedBound}: a group whose well-formed rate is below it has its output-side trait
     * metrics flagged as measured on malformed output ({@link Malformed}).
     */
    public record Settings(Method method, double level, int resamples, long seed, double wellFormedBound) {

        public Settings {
            if (!(wellFormedBound >= 0 && wellFormedBound <= 1)) {
                throw new org.charlab.BadInput("well-formed bound " + wellFormedBound + ": allowed 0 to 1");
            }
        }

        /** Settings with the default well-formed bound. */
        public Settings(Method method, double level, int resamples, long seed) {
            this(method, level, resamples, seed, Malformed.DEFAULT_BOUND);
        }

        public static Settings defaults() {
            return new Settings(Method.PERCENTILE, 0.95, 2000, 0);
        }

        /** These settings with another well-formed bound. */
        public Settings withWellFormedBound(double bound) {
            return new Settings(method, level, resamples, seed, bound);
        }
    }

    /**
     * One line of the comparison. {@code delta} is null without a baseline or when not paired ({@code note} says
     * why). {@code unclosed}: for trait metrics, the group's share of samples in (condition, family) whose CoT
     * never closed (output-side rates leave those out, {@link org.charlab.eval.OutputMetrics}); NaN otherwise.
     * {@code wellFormed}: for output-side trait metrics, the group's well-formed rate there (NaN otherwise or
     * when unknown); {@code malformed}: "measured on malformed output: well-formed 0.44" when it is below the
     * settings' bound, else "" ({@link Malformed}).
     */
    public record Row(String group, String metric, String condition, String family, int seeds, Interval value,
            PairedDifference delta, String note, double unclosed, double wellFormed, String malformed) {

        public Row(String group, String metric, String condition, String family, int seeds, Interval value,
                PairedDifference delta, String note, double unclosed) {
            this(group, metric, condition, family, seeds, value, delta, note, unclosed, Double.NaN, "");
        }

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
            throw new org.charlab.BadInput("--baseline '" + baseline + "' is not an arm or group of these runs: "
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
        // each (metric, condition, family) is computed from read-only run results on its own, so the
        // keys run in parallel; rows keep the keys' order, so the output does not depend on the threads
        return keys.parallelStream().map(k -> rowsOf(k, groups, baselineOf, baseline, s))
                .flatMap(List::stream).toList();
    }

    /** The rows of one (metric, condition, family) key, one per group that has a value. */
    private static List<Row> rowsOf(String k, Map<String, List<RunResult>> groups, Map<String, String> baselineOf,
            String baseline, Settings s) {
        List<Row> rows = new ArrayList<>();
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
                if (!PerSample.is(parts[0])) {
                    note = "not paired: not a per-sample mean";
                } else {
                    Paired p = paired(g.getValue(), groups.get(base), parts[0], parts[1], parts[2], s);
                    delta = p.delta;
                    note = p.note;
                }
            }
            double unclosed = org.charlab.eval.OutputMetrics.isTrait(parts[0])
                    ? Unclosed.of(g.getValue(), parts[1], parts[2]).share() : Double.NaN;
            double wellFormed = Malformed.applies(parts[0]) ? Malformed.rate(g.getValue(), parts[1], parts[2], s)
                    : Double.NaN;
            rows.add(new Row(g.getKey(), parts[0], parts[1], parts[2], g.getValue().size(), value, delta, note,
                    unclosed, wellFormed, Malformed.flag(wellFormed, s.wellFormedBound())));
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
        if (PerSample.is(metric)) {
            CrossedDesign d = design(runs, metric, condition, family, new HashMap<>(), new PromptNumbers());
            if (d.observations() > 0) {
                return d.mean(s.level());
            }
            // No per-sample values (no samples.jsonl rows for it): fall through to the per-run estimates.
        }
        if (runs.size() == 1) {
            return perRun.get(0).interval();
        }
        double[] estimates = new double[perRun.size()];
        int n = 0;
        for (int i = 0; i < perRun.size(); i++) {
            MetricEntry e = perRun.get(i);
            if (!e.isDefined()) {
                return Interval.undefined("undefined in run " + runs.get(i).runId() + ": " + e.interval().undefinedReason(),
                        Method.T, s.level(), 0, 0, perRun.size(), perRun.size(), "seeds only");
            }
            estimates[i] = e.estimate();
            n += e.interval().n();
        }
        return StudentT.ofMeans(estimates, s.level(), n);
    }

    /**
     * The crossed design of a metric's per-sample values over runs: replicate = the run's seed,
     * cluster = the prompt id; seeds and prompt ids are numbered through the given maps so that two
     * designs built with the same maps pair. NaN values (no value for a sample) are skipped. Built
     * from each run's {@link SampleCells}, which hold the per-(condition, prompt) sums the rows give.
     */
    private static CrossedDesign design(List<RunResult> runs, String metric, String condition, String family,
            Map<Long, Integer> seedIds, PromptNumbers promptIds) {
        SampleCells.Partials p = new SampleCells.Partials();
        for (RunResult r : runs) {
            int sid = seedIds.computeIfAbsent(r.seed(), k -> seedIds.size());
            r.cells().addTo(p, metric, condition, family, sid, promptIds);
        }
        return p.design();
    }

    private record Paired(PairedDifference delta, String note) {
    }

    /** A paired difference (null when it cannot be paired, {@code note} says why). */
    public record Delta(PairedDifference delta, String note) {
    }

    /** The paired difference arm - base for a per-sample-mean metric. */
    public static Delta difference(List<RunResult> arm, List<RunResult> base, String metric, String condition,
            String family, Settings s) {
        if (!PerSample.is(metric)) {
            return new Delta(null, "not paired: " + metric + " is not a per-sample mean");
        }
        Paired p = paired(arm, base, metric, condition, family, s);
        return new Delta(p.delta, p.note);
    }

    /** The runs of an arm (its group label, or its arm name), optionally only those evaluated by one stage. */
    public static List<RunResult> runsOf(List<RunResult> runs, String arm, String stage) {
        return runs.stream().filter(r -> (r.group().equals(arm) || r.arm().equals(arm))
                && (stage == null || stage.equals(r.stage()))).toList();
    }

    private static Paired paired(List<RunResult> arm, List<RunResult> base, String metric,
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
        Set<Long> armSeeds = new TreeSet<>(arm.stream().map(RunResult::seed).toList());
        Set<Long> baseSeeds = new TreeSet<>(base.stream().map(RunResult::seed).toList());
        Set<Long> common = new TreeSet<>(armSeeds);
        common.retainAll(baseSeeds);
        if (common.isEmpty()) {
            return new Paired(null, "not paired: no seed was run in both groups (" + armSeeds + " vs " + baseSeeds + ")");
        }
        String note = "";
        if (!armSeeds.equals(baseSeeds)) {
            Set<Long> dropped = new TreeSet<>(armSeeds);
            dropped.addAll(baseSeeds);
            dropped.removeAll(common);
            note = "paired on seeds " + common + "; seeds in one group only dropped: " + dropped;
        }
        Map<Long, Integer> seedIds = new HashMap<>();
        PromptNumbers promptIds = new PromptNumbers();
        CrossedDesign a = design(arm, metric, condition, family, seedIds, promptIds);
        CrossedDesign b = design(base, metric, condition, family, seedIds, promptIds);
        return new Paired(CrossedDesign.difference(a, b, s.level()), note);
    }

    private static Set<String> prompts(List<RunResult> runs, String condition, String family) {
        Set<String> out = new HashSet<>(); // compared as sets; sorted only for the note
        for (RunResult r : runs) {
            r.cells().promptsOf(condition, family, out);
        }
        return out;
    }
}
