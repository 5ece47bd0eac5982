package org.charlab.exec.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.charlab.BadInput;
import org.charlab.config.SlurmConfig;
import org.charlab.exec.ConsoleProgress;
import org.charlab.exec.Executor;
import org.charlab.exec.LocalExecutor;
import org.charlab.exec.SweepJournal;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.AtomicFiles;
import org.charlab.results.RunStatus;
import org.charlab.results.SweepDir;

/**
 * Runs a sweep's unfinished stages as Slurm job arrays, one per wave of stages whose inputs are
 * ready (see {@link Waves}); later waves wait with {@code --dependency=afterok}. Each array task runs
 * {@code charlab exec-stage} on one stage, so the cache, the results layout and resume are the
 * local executor's. Then (unless detached) it follows the tasks with squeue/scontrol until all
 * have left the queue, recording job ids, starts, ends and failure reasons in status.json; the
 * cache says whether a stage is done. Running again resubmits only what failed, was cancelled or
 * never ran; a stage whose recorded task is still queued is waited for, not resubmitted.
 */
public final class SlurmExecutor implements Executor {

    /** A task that left the queue having exited 0 gets this long for its stage to show in the cache (NFS). */
    static final long SETTLE_MS = 60_000;

    private final Slurm slurm;
    private final SlurmConfig cfg;
    private final boolean detach;
    private final String java;
    private final String classpath;

    /** Stage key -> its live array task id ({@code <job>_<task>}). */
    private final Map<String, String> queued = new ConcurrentHashMap<>();
    private final Map<String, Instant> submittedAt = new LinkedHashMap<>();
    private final Set<String> running = new LinkedHashSet<>();
    private final Map<String, Long> settling = new LinkedHashMap<>();
    /** Stages Slurm cancelled for a failed dependency of their array, waiting for their own inputs. */
    private final Set<String> parked = new LinkedHashSet<>();
    private final Set<String> done = new LinkedHashSet<>();
    private final Set<String> failed = new LinkedHashSet<>();
    private final List<String> arrays = new ArrayList<>();
    private volatile boolean interrupted;
    private int submissions;

    private Plan plan;
    private SweepDir dir;
    private SweepJournal journal;
    private ConsoleProgress console;
    private Map<String, String> labels;

    public SlurmExecutor(Slurm slurm, SlurmConfig cfg, boolean detach, String java, String classpath) {
        this.slurm = slurm;
        this.cfg = cfg;
        this.detach = detach;
        this.java = java;
        this.classpath = classpath;
    }

    @Override
    public Map<String, RunStatus> execute(Plan plan, SweepDir dir, SweepJournal journal, ConsoleProgress console)
            throws InterruptedException {
        this.plan = plan;
        this.dir = dir;
        this.journal = journal;
        this.console = console;
        this.labels = LocalExecutor.labels(plan);
        List<String> order = plan.stageOrder();
        Map<String, String> recorded = recordedJobs(journal);
        Map<String, Slurm.Queued> live = slurm.squeue(new TreeSet<>(recorded.values()));
        List<String> todo = new ArrayList<>();
        for (String key : order) {
            if (dir.cache().isDone(key)) {
                done.add(key);
                journal.cached(key);
            } else if (recorded.containsKey(key) && live.containsKey(recorded.get(key))) {
                queued.put(key, recorded.get(key));
                submittedAt.put(key, Instant.EPOCH);
            } else {
                todo.add(key);
            }
        }
        console.line(plan.runs().size() + " runs, " + order.size() + " stages: " + done.size() + " cached, "
                + queued.size() + " still queued in Slurm" + (queued.isEmpty() ? "" : " " + new TreeSet<>(queued.values()))
                + ", " + todo.size() + " to submit");
        submit(todo);
        if (detach) {
            return journal.snapshot();
        }
        follow();
        return journal.snapshot();
    }

    /** Polls the queue until every task this sweep waits for has left it (or Ctrl-C). */
    private void follow() throws InterruptedException {
        while (!interrupted && (!queued.isEmpty() || !settling.isEmpty() || !parked.isEmpty())) {
            long until = System.currentTimeMillis() + cfg.pollSeconds() * 1000L;
            while (!interrupted && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
            if (!interrupted) {
                poll();
            }
        }
    }

    /**
     * One look at the queue: starts, ends, failures. A task that Slurm cancelled because its
     * array's dependency failed (a failed neighbour in an earlier wave, not necessarily its own
     * input) is parked, then resubmitted once its own inputs are done, or skipped if one failed.
     */
    void poll() {
        Map<String, Slurm.Queued> q;
        try {
            q = slurm.squeue(new TreeSet<>(queued.values()));
        } catch (IllegalStateException e) {
            // a busy or restarting slurmctld: the tasks are still there, look again next time
            console.line("squeue did not answer (" + e.getMessage() + "); trying again in " + cfg.pollSeconds() + " s");
            return;
        }
        for (String key : new ArrayList<>(queued.keySet())) {
            String task = queued.get(key);
            Slurm.Queued e = q.get(task);
            if (e != null) {
                if (e.running() && running.add(key)) {
                    journal.started(key);
                    console.line("start " + labels.get(key) + " (job " + task + ")");
                }
                continue;
            }
            queued.remove(key);
            running.remove(key);
            ended(key, task);
        }
        for (String key : new ArrayList<>(settling.keySet())) {
            if (dir.cache().isDone(key)) {
                settling.remove(key);
                finished(key);
            } else if (System.currentTimeMillis() > settling.get(key)) {
                settling.remove(key);
                fail(key, "job " + recordedTask(key) + " exited 0 but the stage never appeared in the cache "
                        + dir.cache().output(key) + " (is the results root shared with the nodes?)");
            }
        }
        List<String> ready = new ArrayList<>();
        for (String key : plan.stageOrder()) {
            if (!parked.contains(key)) {
                continue;
            }
            String bad = blockingDep(key);
            if (bad != null) {
                parked.remove(key);
                block(key, "not run: its input " + labels.get(bad) + " failed");
            } else if (done.containsAll(plan.stages().get(key).deps().values())) {
                parked.remove(key);
                ready.add(key);
            }
        }
        if (!ready.isEmpty()) {
            console.line("resubmitting " + ready.size() + " stage(s) that Slurm cancelled with a failed neighbour's "
                    + "wave; their inputs are done");
            submit(ready);
        }
    }

    private void ended(String key, String task) {
        if (dir.cache().isDone(key)) {
            finished(key);
            return;
        }
        Slurm.Ended end = slurm.ended(task).orElse(null);
        if (FailureReason.dependencyFailed(end)) {
            parked.add(key);
            return;
        }
        if (end != null && end.state().equals("COMPLETED")) {
            settling.put(key, System.currentTimeMillis() + SETTLE_MS);
            return;
        }
        fail(key, FailureReason.of(task, end, stageReason(key), cfg, SlurmLayout.err(dir, task)));
    }

    private void finished(String key) {
        done.add(key);
        journal.finished(key);
        console.stageEnded();
        console.line("done  " + labels.get(key));
    }

    private void fail(String key, String reason) {
        failed.add(key);
        journal.failed(key, reason);
        console.stageEnded();
        console.line("FAIL  " + labels.get(key) + ": " + reason);
    }

    private void block(String key, String reason) {
        failed.add(key);
        journal.blocked(key, reason);
        console.line("skip  " + labels.get(key) + ": " + reason);
    }

    private String blockingDep(String key) {
        return plan.stages().get(key).deps().values().stream().filter(failed::contains).findFirst().orElse(null);
    }

    /**
     * Submits the stages as one array per wave, in order; a refused submission cancels the arrays
     * this call submitted before it, so nothing is left half-submitted, and is rethrown.
     */
    private void submit(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<List<String>> waves = Waves.of(keys, k -> plan.stages().get(k).deps().values());
        Map<String, String> arrayOf = new LinkedHashMap<>();
        List<String> submittedNow = new ArrayList<>();
        try {
            Files.createDirectories(SlurmLayout.jobs(dir));
            for (int w = 0; w < waves.size(); w++) {
                List<String> wave = waves.get(w);
                Set<String> after = new TreeSet<>();
                for (String key : wave) {
                    for (String d : plan.stages().get(key).deps().values()) {
                        if (arrayOf.containsKey(d)) {
                            after.add(arrayOf.get(d));
                        } else if (queued.containsKey(d)) {
                            after.add(queued.get(d));
                        }
                    }
                }
                String name = "charlab-" + plan.experiment() + "-w" + (++submissions);
                Path pending = SlurmLayout.jobs(dir).resolve("submitting-" + ProcessHandle.current().pid() + "-"
                        + submissions + ".sh");
                AtomicFiles.write(pending, JobScript.text(dir, name, wave, labels, after, cfg, java, classpath));
                String job = slurm.sbatch(pending, List.of());
                submittedNow.add(job);
                arrays.add(job);
                Files.move(pending, SlurmLayout.script(dir, job), StandardCopyOption.REPLACE_EXISTING);
                for (int i = 0; i < wave.size(); i++) {
                    String key = wave.get(i);
                    String task = job + "_" + i;
                    arrayOf.put(key, job);
                    queued.put(key, task);
                    submittedAt.put(key, Instant.now());
                    journal.jobId(key, task);
                    linkRuns(key, task);
                }
                journal.log("submitted job array " + job + " (" + wave.size() + " stages" + (after.isEmpty() ? ""
                        : ", after " + String.join(",", after)) + "): " + wave);
                console.line("submitted " + wave.size() + " stage(s) as job array " + job
                        + (after.isEmpty() ? "" : " (after " + String.join(",", after) + ")") + ": " + describe(wave));
            }
        } catch (BadInput | IllegalStateException e) {
            if (!submittedNow.isEmpty()) {
                slurm.scancel(submittedNow);
                journal.log("cancelled job arrays " + submittedNow + ": a later submission was refused");
            }
            for (String key : keys) {
                queued.remove(key);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void linkRuns(String key, String task) throws IOException {
        for (RunPlan r : plan.runs()) {
            for (RunPlan.Step s : r.stages()) {
                if (s.key().equals(key)) {
                    SlurmLayout.link(dir, r.id(), s.name(), task);
                }
            }
        }
    }

    private String describe(List<String> wave) {
        List<String> names = new ArrayList<>();
        for (String k : wave) {
            names.add(labels.get(k));
        }
        String all = String.join("; ", names);
        return all.length() > 160 ? all.substring(0, 157) + "..." : all;
    }

    /** The stage's own failure reason, if it wrote one during this attempt. */
    private String stageReason(String key) {
        Path f = dir.cache().failure(key);
        try {
            if (Files.exists(f) && Files.getLastModifiedTime(f).toInstant()
                    .isAfter(submittedAt.getOrDefault(key, Instant.EPOCH).minusSeconds(5))) {
                return Plan.JSON.readTree(f.toFile()).path("reason").asText(null);
            }
        } catch (IOException e) {
            // then Slurm's reason alone
        }
        return null;
    }

    private String recordedTask(String key) {
        return recordedJobs(journal).getOrDefault(key, "?");
    }

    static Map<String, String> recordedJobs(SweepJournal journal) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RunStatus r : journal.snapshot().values()) {
            for (RunStatus.StageStatus s : r.stages()) {
                if (s.jobId() != null && s.jobId().matches("\\d+_\\d+")) {
                    out.put(s.key(), s.jobId());
                }
            }
        }
        return out;
    }

    /** The tasks this sweep waits for that are still in the queue. */
    public Collection<String> liveTasks() {
        return new TreeSet<>(queued.values());
    }

    /** Ctrl-C, answered yes: scancel every task this sweep waits for and mark its stage interrupted. */
    public void cancelAll() {
        Map<String, String> now = new LinkedHashMap<>(queued);
        slurm.scancel(now.values());
        for (String key : now.keySet()) {
            journal.interrupted(key);
        }
        journal.log("cancelled " + now.values() + " at Ctrl-C");
    }

    /** Stops following the jobs; they run on in Slurm unless {@link #cancelAll()} cancelled them. */
    @Override
    public void interrupt() {
        interrupted = true;
    }

    /** The job arrays this process submitted, in order. */
    public List<String> arrays() {
        return List.copyOf(arrays);
    }
}
