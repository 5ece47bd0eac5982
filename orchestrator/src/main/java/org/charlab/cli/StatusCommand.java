package org.charlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.charlab.BadInput;
import org.charlab.exec.slurm.Slurm;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.RunStatus;
import org.charlab.results.RunStatus.StageStatus;
import org.charlab.results.RunStatus.State;
import org.charlab.results.StageCache;
import org.charlab.results.SweepDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the state of every run of a sweep, from what is on disk (works from any "
        + "machine that sees the results directory).")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SWEEP_DIR", description = "results/<experiment>/<sweep-id>")
    Path sweepDir;

    @Override
    public Integer call() {
        SweepDir dir = SweepDir.open(sweepDir);
        if (!Files.isRegularFile(dir.plan())) {
            throw new BadInput(sweepDir + ": not a sweep directory (no plan.json)");
        }
        Plan plan = Plan.read(dir.plan());
        StageCache cache = dir.cache();
        Map<String, RunStatus> recordedRuns = new LinkedHashMap<>();
        Set<String> jobs = new TreeSet<>();
        for (RunPlan r : plan.runs()) {
            RunStatus recorded = RunStatus.read(dir.runStatus(r.id()));
            recordedRuns.put(r.id(), recorded);
            if (recorded != null) {
                recorded.stages().stream().map(StageStatus::jobId).filter(j -> j != null && j.matches("\\d+_\\d+"))
                        .forEach(jobs::add);
            }
        }
        Map<String, Slurm.Queued> queue = slurmQueue(jobs);
        List<RunStatus> runs = new ArrayList<>();
        for (RunPlan r : plan.runs()) {
            RunStatus recorded = recordedRuns.get(r.id());
            List<StageStatus> stages = new ArrayList<>();
            for (RunPlan.Step s : r.stages()) {
                StageStatus rec = recorded == null ? null
                        : recorded.stages().stream().filter(x -> x.key().equals(s.key())).findFirst().orElse(null);
                stages.add(truth(s, rec, cache, queue));
            }
            runs.add(new RunStatus(r.id(), RunStatus.derive(stages), null, stages));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("sweep " + plan.sweepId() + " of " + plan.experiment() + " (" + dir.dir() + ")");
        printRuns(out, runs);
        long done = runs.stream().filter(r -> r.state() == State.DONE).count();
        out.println(done + "/" + runs.size() + " runs finished");
        out.flush();
        return runs.stream().anyMatch(r -> r.state() == State.FAILED) ? Main.EXIT_RUNS_FAILED : Main.EXIT_OK;
    }

    /**
     * The recorded Slurm tasks still in the queue, when this machine has squeue (null otherwise:
     * then nobody here can tell whether a submitted stage still waits).
     */
    private static Map<String, Slurm.Queued> slurmQueue(Set<String> jobs) {
        Slurm slurm = new Slurm(null);
        if (jobs.isEmpty() || slurm.find("squeue") == null) {
            return null;
        }
        try {
            return slurm.squeue(jobs);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What the disk (and Slurm's queue) says, which beats a status.json written by a process that may have died. */
    private static StageStatus truth(RunPlan.Step s, StageStatus rec, StageCache cache, Map<String, Slurm.Queued> queue) {
        String job = rec == null ? null : rec.jobId();
        if (cache.isDone(s.key())) {
            return new StageStatus(s.name(), s.key(), State.DONE, rec == null ? null : rec.cached(), null, null,
                    rec == null ? null : rec.seconds(), null, job);
        }
        if (cache.isLocked(s.key())) {
            return new StageStatus(s.name(), s.key(), State.RUNNING, null, null, null, null, null, job);
        }
        Slurm.Queued q = queue == null || job == null ? null : queue.get(job);
        if (q != null) {
            return new StageStatus(s.name(), s.key(), q.running() ? State.RUNNING : State.PENDING, null, null, null, null,
                    "Slurm job " + job + " " + q.state().toLowerCase(java.util.Locale.ROOT)
                    + (q.reason().isEmpty() || q.reason().equals("None") ? "" : " (" + q.reason() + ")"), job);
        }
        if (rec != null && (rec.state() == State.FAILED)) {
            return rec;
        }
        String stageFailure = failure(cache, s.key());
        if (stageFailure != null) {
            return new StageStatus(s.name(), s.key(), State.FAILED, null, null, null, null, stageFailure, job);
        }
        if (queue != null && job != null) {
            return new StageStatus(s.name(), s.key(), State.INTERRUPTED, null, null, null, null, "Slurm job " + job
                    + " left the queue without finishing the stage; run again to resubmit", job);
        }
        if (rec != null && rec.state() == State.RUNNING || java.nio.file.Files.isDirectory(cache.partial(s.key()))) {
            return new StageStatus(s.name(), s.key(), State.INTERRUPTED, null, null, null, null,
                    "stopped before finishing; run again to resume", job);
        }
        return new StageStatus(s.name(), s.key(), State.PENDING, null, null, null, null, null, job);
    }

    private static String failure(StageCache cache, String key) {
        Path f = cache.failure(key);
        try {
            return Files.exists(f) ? Plan.JSON.readTree(f.toFile()).path("reason").asText(null) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static void printRuns(PrintWriter out, Collection<RunStatus> runs) {
        int w = runs.stream().mapToInt(r -> r.run().length()).max().orElse(3);
        for (RunStatus r : runs) {
            List<String> parts = new ArrayList<>();
            for (StageStatus s : r.stages()) {
                String state = s.state().name().toLowerCase(java.util.Locale.ROOT);
                if (s.state() == State.DONE && Boolean.TRUE.equals(s.cached())) {
                    state = "cached";
                }
                parts.add(s.name() + ":" + state);
            }
            out.printf("  %-" + w + "s  %-11s %s%n", r.run(), r.state().name().toLowerCase(java.util.Locale.ROOT),
                    String.join(" ", parts));
            for (StageStatus s : r.stages()) {
                if (s.reason() != null && s.state() != State.DONE) {
                    out.printf("  %-" + w + "s    %s: %s%n", "", s.name(), s.reason());
                }
            }
        }
    }
}
