package org.charlab.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.charlab.BadInput;
import org.charlab.eval.MetricsReport;
import org.charlab.eval.Samples;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.SweepDir;

/**
 * Finds the evaluated runs under sweep directories and run directories, keeps the groups of
 * different experiments apart (unless asked to pool them), and counts each evaluation once per
 * group: runs are identified by their eval stage's key, so the same cached result reached through
 * two sweeps (a sweep re-planned with more seeds, an experiment rerun under another name) or
 * through two paths to one run is one observation, not two.
 */
public final class RunResults {

    /**
     * What was found: runs with an evaluation (one per evaluation and group), runs skipped with the
     * reason, runs left out because they are the same evaluation as a kept run, and planned runs
     * whose eval stage has not finished.
     */
    public record Found(List<RunResult> runs, List<String> skipped, List<Duplicate> duplicates,
            List<Unfinished> unfinished) {

        public Found(List<RunResult> runs, List<String> skipped) {
            this(runs, skipped, List.of(), List.of());
        }

        /**
         * One line naming every dropped duplicate ("2 runs are the same evaluation as others (same
         * stage key) and count once: a = b, c = d"), or empty when there is none.
         */
        public String duplicatesLine() {
            if (duplicates.isEmpty()) {
                return "";
            }
            return duplicates.size() + (duplicates.size() == 1 ? " run is the same evaluation as another"
                    : " runs are the same evaluation as others") + " (same stage key) and count once: "
                    + duplicates.stream().map(Duplicate::text).collect(Collectors.joining(", "));
        }

        /** The dropped duplicates of one group, "a = b; c = d", empty when none. */
        public String duplicatesOf(String group) {
            return duplicates.stream().filter(d -> d.dropped().group().equals(group)).map(Duplicate::text)
                    .collect(Collectors.joining("; "));
        }
    }

    /** {@code dropped} is the same evaluation (same eval stage key, same group) as {@code kept}. */
    public record Duplicate(RunResult dropped, RunResult kept) {
        String text() {
            return dropped.name() + " = " + kept.name();
        }
    }

    /**
     * A planned run of a sweep whose eval stage {@code stage} has not finished (not run, running or
     * failed); {@code point} is its grid point as {@link RunResult#point()} writes it (empty without a grid).
     */
    public record Unfinished(String experiment, String sweepId, String runId, String arm, String group, String point,
            String stage) {
    }

    private RunResults() {
    }

    /**
     * @param paths sweep directories (holding plan.json) or run directories (runs/&lt;id&gt;), mixed
     * @param stage name of the eval stage to read; null takes each run's last stage that evaluates (type
     *              eval, or a stage whose output holds metrics.json in some run of the sweep)
     */
    public static Found load(List<Path> paths, String stage) {
        return load(paths, stage, false);
    }

    /**
     * As {@link #load(List, String)}; with runs of more than one experiment, each group is labelled
     * "experiment/arm" and kept apart unless {@code poolExperiments}, which groups by arm alone.
     */
    public static Found load(List<Path> paths, String stage, boolean poolExperiments) {
        List<Callable<RunResult>> loads = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<Unfinished> unfinished = new ArrayList<>();
        for (Path p : paths) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isRegularFile(abs.resolve("plan.json"))) {
                SweepDir dir = SweepDir.open(abs);
                Plan plan = Plan.read(dir.plan());
                Set<String> evaluating = evaluating(plan, dir);
                for (RunPlan r : plan.runs()) {
                    add(plan, dir, r, stage, evaluating, loads, skipped, unfinished);
                }
            } else if (abs.getParent() != null && abs.getParent().getFileName() != null
                    && abs.getParent().getFileName().toString().equals("runs")
                    && Files.isRegularFile(abs.getParent().getParent().resolve("plan.json"))) {
                SweepDir dir = SweepDir.open(abs.getParent().getParent());
                Plan plan = Plan.read(dir.plan());
                add(plan, dir, plan.run(abs.getFileName().toString()), stage, evaluating(plan, dir), loads, skipped,
                        unfinished);
            } else {
                throw new BadInput(p + ": neither a sweep directory (with plan.json) nor a run directory (runs/<id>)");
            }
        }
        List<RunResult> runs = readAll(loads);
        Map<List<String>, List<String>> promptLists = new HashMap<>();
        for (RunResult r : runs) {
            if (r.cells() != null) {
                r.cells().sharePrompts(promptLists); // runs on the same prompts share one list (PromptNumbers)
            }
        }
        boolean scoped = !poolExperiments && runs.stream().map(RunResult::experiment).distinct().count() > 1;
        List<RunResult> kept = new ArrayList<>();
        List<Duplicate> duplicates = new ArrayList<>();
        Map<String, RunResult> byKey = new LinkedHashMap<>();
        for (RunResult r : runs) {
            RunResult s = r.inScope(scoped ? r.experiment() : "");
            RunResult first = s.stageKey() == null ? null : byKey.putIfAbsent(s.group() + "\u0000" + s.stageKey(), s);
            if (first == null) {
                kept.add(s);
            } else {
                duplicates.add(new Duplicate(s, first));
            }
        }
        List<Unfinished> pending = unfinished.stream().map(u -> new Unfinished(u.experiment(), u.sweepId(), u.runId(),
                u.arm(), scoped ? u.experiment() + "/" + u.group() : u.group(), u.point(), u.stage())).toList();
        return new Found(kept, skipped, duplicates, pending);
    }

    /**
     * Names of the stages that evaluate: of type eval, or holding metrics.json in any run of the
     * sweep (so a run whose evaluation has not finished is still known to have one planned).
     */
    private static Set<String> evaluating(Plan plan, SweepDir dir) {
        Set<String> out = new HashSet<>();
        for (RunPlan r : plan.runs()) {
            for (RunPlan.Step s : r.stages()) {
                if ("eval".equals(plan.stages().get(s.key()).type()) || Files.isRegularFile(
                        dir.run(r.id()).resolve("stages").resolve(s.name()).resolve(MetricsReport.FILE))) {
                    out.add(s.name());
                }
            }
        }
        return out;
    }

    private static void add(Plan plan, SweepDir dir, RunPlan r, String stage, Set<String> evaluating,
            List<Callable<RunResult>> loads, List<String> skipped, List<Unfinished> unfinished) {
        String chosen = null;
        for (RunPlan.Step s : r.stages()) {
            if (stage != null ? s.name().equals(stage) : evaluating.contains(s.name())) {
                chosen = s.name();
            }
        }
        if (chosen == null) {
            skipped.add(r.id() + ": no " + (stage == null ? "eval stage" : "stage named '" + stage + "'"));
            return;
        }
        Path out = dir.run(r.id()).resolve("stages").resolve(chosen);
        Map<String, Object> axes = new LinkedHashMap<>(r.axes());
        axes.remove("arm");
        axes.remove("seed");
        if (!Files.isRegularFile(out.resolve(MetricsReport.FILE))) {
            skipped.add(r.id() + ": stage '" + chosen + "' has not finished");
            unfinished.add(new Unfinished(plan.experiment(), plan.sweepId(), r.id(), r.arm(),
                    RunResult.label("", r.arm(), axes), RunResult.point(axes), chosen));
            return;
        }
        String key = r.keyOf(chosen);
        String c = chosen;
        loads.add(() -> new RunResult(plan.experiment(), plan.sweepId(), dir.dir(), r.id(), r.arm(), r.seed(), axes, c,
                MetricsReport.read(out.resolve(MetricsReport.FILE)), SampleCells.read(out.resolve(Samples.FILE),
                        MetricsReport.pools(out.resolve(MetricsReport.FILE))),
                key, "", RunResult.Rows.of(out.resolve(Samples.FILE))));
    }

    /**
     * Reads the runs' metrics.json and samples.jsonl, several files at once (one thread per
     * processor), each file once and streamed ({@link SampleCells#read}); the results keep the
     * order of {@code loads}, and the first failure (a BadInput naming the file) is thrown as is.
     */
    private static List<RunResult> readAll(List<Callable<RunResult>> loads) {
        int threads = Math.max(1, Math.min(loads.size(), Runtime.getRuntime().availableProcessors()));
        if (threads == 1) {
            List<RunResult> out = new ArrayList<>();
            for (Callable<RunResult> l : loads) {
                out.add(call(l));
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "read-samples");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<RunResult>> futures = new ArrayList<>();
            for (Callable<RunResult> l : loads) {
                futures.add(pool.submit(() -> call(l)));
            }
            List<RunResult> out = new ArrayList<>();
            for (Future<RunResult> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading results", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static RunResult call(Callable<RunResult> l) {
        try {
            return l.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
