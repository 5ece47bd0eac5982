package org.charlab.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.charlab.eval.MetricEntry;
import org.charlab.eval.SampleRow;
import org.charlab.eval.Samples;

/**
 * The evaluation of one run, as compare and report see it: where it sits in its sweep (arm, seed,
 * the other sweep axes), what its eval stage wrote (metrics.json, and samples.jsonl reduced to
 * {@link SampleCells}), and what
 * identifies that evaluation: {@code stageKey}, the eval stage's content key from plan.json (the
 * same key means the same cached result, whichever sweep reached it). {@code scope} is the
 * experiment name when a comparison keeps several experiments apart, else empty. The sample rows
 * themselves (text included) are read only when asked for ({@link #samples()}: transcripts).
 */
public record RunResult(String experiment, String sweepId, Path sweepDir, String runId, String arm, long seed,
        Map<String, Object> axes, String stage, List<MetricEntry> metrics, SampleCells cells, String stageKey,
        String scope, Rows rows) {

    /** A run's sample rows, read once on first use. */
    public static final class Rows {
        private final Path file;
        private List<SampleRow> rows;

        private Rows(Path file, List<SampleRow> rows) {
            this.file = file;
            this.rows = rows;
        }

        /** The rows of {@code file} (samples.jsonl), read when first asked for. */
        public static Rows of(Path file) {
            return new Rows(file, null);
        }

        /** Rows already in memory. */
        public static Rows of(List<SampleRow> rows) {
            return new Rows(null, List.copyOf(rows));
        }

        synchronized List<SampleRow> get() {
            if (rows == null) {
                rows = Samples.read(file);
            }
            return rows;
        }
    }

    /** A run whose rows are in its eval stage's samples.jsonl under {@code sweepDir}. */
    public RunResult(String experiment, String sweepId, Path sweepDir, String runId, String arm, long seed,
            Map<String, Object> axes, String stage, List<MetricEntry> metrics, SampleCells cells, String stageKey,
            String scope) {
        this(experiment, sweepId, sweepDir, runId, arm, seed, axes, stage, metrics, cells, stageKey, scope,
                Rows.of(sweepDir.resolve("runs").resolve(runId).resolve("stages").resolve(stage).resolve(Samples.FILE)));
    }

    /** A run without a known stage key (each such run counts as its own evaluation), in no scope. */
    public RunResult(String experiment, String sweepId, Path sweepDir, String runId, String arm, long seed,
            Map<String, Object> axes, String stage, List<MetricEntry> metrics, List<SampleRow> samples) {
        this(experiment, sweepId, sweepDir, runId, arm, seed, axes, stage, metrics, SampleCells.of(samples), null, "",
                Rows.of(samples));
    }

    /** Every sample row of this run's evaluation, with its text (read from disk on first use). */
    public List<SampleRow> samples() {
        return rows.get();
    }

    /** Experiment (when scoped), arm and any grid/zip values: the runs of one group differ only in their seed. */
    public String group() {
        return label(scope, arm, axes);
    }

    /**
     * The group label of an arm at a grid point: "arm", "arm cot_style=planner", and with a scope
     * (compare over several experiments) "experiment/arm cot_style=planner".
     */
    static String label(String scope, String arm, Map<String, Object> axes) {
        String point = point(axes);
        String g = point.isEmpty() ? arm : arm + " " + point;
        return scope == null || scope.isEmpty() ? g : scope + "/" + g;
    }

    /** The grid/zip values alone ("cot_style=planner"), empty without a grid: where an arm's baseline is found. */
    public String point() {
        return point(axes);
    }

    /** The grid point of a run with these sweep axes (arm and seed left out), as {@link #point()} writes it. */
    static String point(Map<String, Object> axes) {
        return axes.entrySet().stream()
                .map(e -> e.getKey().substring(e.getKey().lastIndexOf('.') + 1) + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** Whether {@code baseline} names this run's group, or its arm (then at any grid point). */
    public boolean matchesBaseline(String baseline) {
        return group().equals(baseline) || arm.equals(baseline);
    }

    /** This run placed in a scope (an experiment name, or empty to pool). */
    public RunResult inScope(String s) {
        return new RunResult(experiment, sweepId, sweepDir, runId, arm, seed, axes, stage, metrics, cells, stageKey, s,
                rows);
    }

    /** "experiment/sweep-id/run-id": names the run in messages about several sweeps. */
    public String name() {
        return experiment + "/" + sweepId + "/" + runId;
    }
}
