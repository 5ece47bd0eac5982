package org.charlab.exec;

import org.charlab.stage.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.plan.StagePlan;
import org.charlab.results.RunStatus;
import org.charlab.results.SweepDir;

/**
 * Runs a sweep on this machine: the unique stages of all runs as one dependency graph, up to
 * {@code jobs} at a time, each with {@code threads} engine threads. Finished stages (in the cache)
 * are never recomputed; a failed stage fails the runs that need it and the rest go on.
 *
 * <p>Cores no running stage holds are lent to the stages starting now, shared out evenly: a stage
 * that starts alone (a study's pretrain, which every other stage waits for) runs its lanes on every
 * core even under {@code --jobs 2}. Lent cores only let more lanes run at once; what a stage computes
 * depends on the machine's cores, never on the schedule (org.charlab.model.Lanes), so the numbers
 * are the same under any {@code --jobs}. Stages hold what they were lent until they end, so
 * jobs x threads never exceed the cores.
 */
public final class LocalExecutor implements Executor {

    private final StageLauncher launcher;
    private final int jobs;
    private final int threads;
    private final int cores;
    private final Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean interrupted;
    private volatile SweepJournal journal;

    /** An executor that never lends cores: every stage runs its lanes on {@code threads}. */
    public LocalExecutor(StageLauncher launcher, int jobs, int threads) {
        this(launcher, jobs, threads, 0);
    }

    /**
     * @param cores the cores to share out among running stages (the machine's, when the thread count
     *              was derived from them), or 0 to lend none (a configured thread count is kept)
     */
    public LocalExecutor(StageLauncher launcher, int jobs, int threads, int cores) {
        this.launcher = launcher;
        this.jobs = jobs;
        this.threads = threads;
        this.cores = cores;
    }

    /**
     * Lane threads for each of {@code starting} stages starting now while running stages hold
     * {@code held} cores: an even share of the free cores, never fewer than the stage's own threads.
     */
    static int laneThreads(int cores, int held, int starting, int threads) {
        return Math.max(threads, (cores - held) / Math.max(1, starting));
    }

    /** Threads per stage: the configured count, else the cores shared out over the jobs. */
    public static int threadsPerStage(int configured, int jobs) {
        return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / jobs);
    }

    @Override
    public Map<String, RunStatus> execute(Plan plan, SweepDir dir, SweepJournal journal, ConsoleProgress console)
            throws InterruptedException {
        this.journal = journal;
        Map<String, String> labels = labels(plan);
        List<String> order = plan.stageOrder();
        Set<String> done = new LinkedHashSet<>();
        Set<String> failed = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>();
        for (String key : order) {
            if (dir.cache().isDone(key)) {
                done.add(key);
                journal.cached(key);
            } else {
                todo.add(key);
            }
        }
        console.line(plan.runs().size() + " runs, " + order.size() + " stages: " + done.size() + " cached, "
                + todo.size() + " to run, " + jobs + " at a time x " + threads + " threads");
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "charlab-stage");
            t.setDaemon(true);
            return t;
        });
        CompletionService<Boolean> cs = new ExecutorCompletionService<>(pool);
        Map<Future<Boolean>, String> inFlight = new HashMap<>();
        Map<Future<Boolean>, Integer> lent = new HashMap<>(); // lane threads each running stage holds
        try {
            while (!interrupted) {
                List<String> starting = new ArrayList<>();
                for (var it = todo.iterator(); it.hasNext() && inFlight.size() + starting.size() < jobs; ) {
                    String key = it.next();
                    StagePlan sp = plan.stages().get(key);
                    String badDep = sp.deps().values().stream().filter(failed::contains).findFirst().orElse(null);
                    if (badDep != null) {
                        it.remove();
                        failed.add(key);
                        journal.blocked(key, "not run: its input stage " + badDep + " failed");
                        continue;
                    }
                    if (!done.containsAll(sp.deps().values())) {
                        continue;
                    }
                    it.remove();
                    starting.add(key);
                }
                int held = lent.values().stream().mapToInt(Integer::intValue).sum();
                for (String key : starting) {
                    int lanes = laneThreads(cores, held, starting.size(), threads);
                    running.add(key);
                    journal.started(key);
                    String label = labels.get(key);
                    console.line("start " + label + (lanes > threads ? " (lanes on " + lanes + " cores)" : ""));
                    Progress progress = console.forStage(label);
                    Path log = dir.dir().resolve("logs").resolve(key + ".log");
                    Future<Boolean> f = cs.submit(() -> launcher.launch(plan, dir, key, threads, lanes, progress, log));
                    inFlight.put(f, key);
                    lent.put(f, lanes);
                }
                if (inFlight.isEmpty()) {
                    if (!todo.isEmpty()) {
                        todo.forEach(k -> journal.blocked(k, "not run: an input stage failed"));
                    }
                    break;
                }
                Future<Boolean> f = cs.take();
                String key = inFlight.remove(f);
                lent.remove(f);
                running.remove(key);
                boolean ok;
                String launchError = null;
                try {
                    ok = f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    ok = false;
                    launchError = launchError(e.getCause());
                }
                console.stageEnded();
                if (interrupted) {
                    break;
                }
                if (ok && dir.cache().isDone(key)) {
                    done.add(key);
                    journal.finished(key);
                    console.line("done  " + labels.get(key));
                } else {
                    failed.add(key);
                    String reason = launchError != null ? launchError : failureReason(dir, key);
                    journal.failed(key, reason);
                    console.line("FAIL  " + labels.get(key) + ": " + reason);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return journal.snapshot();
    }

    @Override
    public void interrupt() {
        interrupted = true;
        launcher.stopAll();
        SweepJournal j = journal;
        if (j != null) {
            for (String key : running) {
                j.interrupted(key);
            }
        }
    }

    /**
     * The reason of a launcher that threw instead of returning (e.g. the child JVM could not be
     * started): every message of the cause chain, so "cannot start a JVM for stage K" keeps the
     * operating system's "No such file or directory" beside it.
     */
    static String launchError(Throwable t) {
        StringBuilder sb = new StringBuilder("stage could not be launched: ");
        String last = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (last == null || !last.contains(m)) {
                sb.append(last == null ? "" : ": ").append(m);
            }
            last = m;
            if (c.getCause() == c) {
                break;
            }
        }
        return sb.toString();
    }

    static String failureReason(SweepDir dir, String key) {
        Path f = dir.cache().failure(key);
        try {
            if (Files.exists(f)) {
                return String.valueOf(Plan.JSON.readTree(f.toFile()).path("reason").asText());
            }
            Path log = dir.dir().resolve("logs").resolve(key + ".log");
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    if (!lines.get(i).isBlank() && !lines.get(i).startsWith("\tat ")) {
                        return "stage process failed: " + lines.get(i).strip() + " (log: " + log + ")";
                    }
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "stage process failed without a reason (log: logs/" + key + ".log)";
    }

    /** "sft (arm-s0, arm-s1)": what a stage is for the reader of the progress lines. */
    public static Map<String, String> labels(Plan plan) {
        Map<String, List<String>> runs = new HashMap<>();
        for (RunPlan r : plan.runs()) {
            for (RunPlan.Step s : r.stages()) {
                runs.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(r.id());
            }
        }
        Map<String, String> out = new HashMap<>();
        runs.forEach((key, ids) -> {
            String who = ids.size() <= 2 ? String.join(", ", ids) : ids.get(0) + " +" + (ids.size() - 1) + " runs";
            out.put(key, plan.stages().get(key).name() + " (" + who + ")");
        });
        return out;
    }
}
