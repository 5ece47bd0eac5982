package org.charlab.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.RunStatus;
import org.charlab.results.RunStatus.StageStatus;
import org.charlab.results.RunStatus.State;
import org.charlab.results.StageCache;
import org.charlab.results.SweepDir;

/**
 * A sweep's state as the disk says it, read without writing anything: each stage done (its cache
 * entry committed), running (its lock held), failed (recorded, or a .failed.json), interrupted (a
 * partial directory or a recorded run nobody holds) or pending - the rules of {@code charlab
 * status} without Slurm's queue - and the training curve of every stage so far (metrics.jsonl of
 * the committed output, or of the partial directory while the stage runs).
 */
record SweepState(String experiment, String sweepId, List<Run> runs, List<Curve> curves) {

    /** One run: its arm, seed, state derived from its stages, and those stages. */
    record Run(String run, String arm, long seed, State state, List<StageStatus> stages) {
    }

    /** The (step, loss) points of one stage's metrics.jsonl so far; a stage shared by runs appears once. */
    record Curve(String run, String stage, String key, State state, List<double[]> points) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static SweepState read(SweepDir dir, Plan plan) {
        StageCache cache = dir.cache();
        List<Run> runs = new ArrayList<>();
        List<Curve> curves = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (RunPlan r : plan.runs()) {
            RunStatus recorded = readStatus(dir.runStatus(r.id()));
            List<StageStatus> stages = new ArrayList<>();
            for (RunPlan.Step s : r.stages()) {
                StageStatus rec = recorded == null || recorded.stages() == null ? null : recorded.stages().stream()
                        .filter(x -> s.key().equals(x.key())).findFirst().orElse(null);
                StageStatus st = truth(s, rec, cache);
                stages.add(st);
                if (seen.add(s.key())) {
                    Path dirOut = st.state() == State.DONE ? cache.output(s.key()) : cache.partial(s.key());
                    List<double[]> pts = curve(dirOut.resolve("metrics.jsonl"));
                    if (!pts.isEmpty()) {
                        curves.add(new Curve(r.id(), s.name(), s.key(), st.state(), pts));
                    }
                }
            }
            runs.add(new Run(r.id(), r.arm(), r.seed(), RunStatus.derive(stages), stages));
        }
        return new SweepState(plan.experiment(), plan.sweepId(), runs, curves);
    }

    long count(State s) {
        return runs.stream().filter(r -> r.state() == s).count();
    }

    private static RunStatus readStatus(Path file) {
        try {
            return RunStatus.read(file);
        } catch (RuntimeException e) {
            return null;   // half-written or foreign: the cache still says what happened
        }
    }

    private static StageStatus truth(RunPlan.Step s, StageStatus rec, StageCache cache) {
        String job = rec == null ? null : rec.jobId();
        if (cache.isDone(s.key())) {
            return new StageStatus(s.name(), s.key(), State.DONE, rec == null ? null : rec.cached(), null, null,
                    rec == null ? null : rec.seconds(), null, job);
        }
        if (locked(cache.root().resolve(s.key() + ".lock"))) {
            return new StageStatus(s.name(), s.key(), State.RUNNING, null, null, null, null, null, job);
        }
        if (rec != null && rec.state() == State.FAILED) {
            return rec;
        }
        String failure = failure(cache.failure(s.key()));
        if (failure != null) {
            return new StageStatus(s.name(), s.key(), State.FAILED, null, null, null, null, failure, job);
        }
        if (rec != null && rec.state() == State.RUNNING || Files.isDirectory(cache.partial(s.key()))) {
            return new StageStatus(s.name(), s.key(), State.INTERRUPTED, null, null, null, null,
                    "stopped before finishing" + (job == null ? "" : " (or still queued as Slurm job " + job + ")"),
                    job);
        }
        return new StageStatus(s.name(), s.key(), State.PENDING, null, null, null, null, null, job);
    }

    /**
     * Whether some process holds the stage lock: a shared lock attempt on a read-only channel (so a
     * read-only results share works and nothing is opened for writing) fails while the executor holds
     * its exclusive lock.
     */
    static synchronized boolean locked(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ)) {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true;   // held in this JVM (tests, an in-process run)
        } catch (IOException e) {
            return false;
        }
    }

    private static String failure(Path f) {
        try {
            return Files.exists(f) ? JSON.readTree(f.toFile()).path("reason").asText("failed") : null;
        } catch (IOException e) {
            return "failed";
        }
    }

    /** (step, loss) of every line that has both; a half-written last line is skipped. */
    static List<double[]> curve(Path metrics) {
        List<double[]> pts = new ArrayList<>();
        if (!Files.isRegularFile(metrics)) {
            return pts;
        }
        try {
            for (String line : Files.readAllLines(metrics)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(line);
                    if (n.path("step").isNumber() && n.path("loss").isNumber()) {
                        pts.add(new double[] {n.get("step").asDouble(), n.get("loss").asDouble()});
                    }
                } catch (IOException e) {
                    // a line being written right now
                }
            }
        } catch (IOException e) {
            return pts;
        }
        return pts;
    }
}
