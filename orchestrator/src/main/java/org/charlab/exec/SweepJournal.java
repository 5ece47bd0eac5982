package org.charlab.exec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.AtomicFiles;
import org.charlab.results.RunStatus;
import org.charlab.results.RunStatus.StageStatus;
import org.charlab.results.RunStatus.State;
import org.charlab.results.SweepDir;

/**
 * The status of every run of a sweep, kept in memory and written to each run's status.json (and a
 * line to sweep.log) whenever a stage changes state. A stage shared by several runs updates all of
 * them. Thread-safe.
 */
public final class SweepJournal {

    private final Plan plan;
    private final SweepDir dir;
    private final Map<String, RunStatus> runs = new LinkedHashMap<>();
    private final Map<String, Instant> started = new LinkedHashMap<>();

    public SweepJournal(Plan plan, SweepDir dir) {
        this.plan = plan;
        this.dir = dir;
        for (RunPlan r : plan.runs()) {
            RunStatus old = RunStatus.read(dir.runStatus(r.id()));
            List<StageStatus> stages = new ArrayList<>();
            for (RunPlan.Step s : r.stages()) {
                StageStatus prev = old == null ? null : old.stages().stream()
                        .filter(x -> x.key().equals(s.key())).findFirst().orElse(null);
                String jobId = prev == null ? null : prev.jobId();
                stages.add(new StageStatus(s.name(), s.key(), State.PENDING, null, null, null, null, null, jobId));
            }
            runs.put(r.id(), new RunStatus(r.id(), State.PENDING, now(), stages));
        }
    }

    /** Marks a stage already finished before this sweep needed it. */
    public synchronized void cached(String key) {
        update(key, s -> new StageStatus(s.name(), s.key(), State.DONE, true, s.started(), s.ended(), s.seconds(), null,
                s.jobId()));
    }

    public synchronized void started(String key) {
        started.put(key, Instant.now());
        update(key, s -> new StageStatus(s.name(), s.key(), State.RUNNING, false, now(), null, null, null, s.jobId()));
        log("start " + key + " " + runsOf(key));
    }

    public synchronized void finished(String key) {
        double secs = seconds(key);
        update(key, s -> new StageStatus(s.name(), s.key(), State.DONE, s.cached() != null && s.cached(), s.started(),
                now(), secs, null, s.jobId()));
        log("done  " + key + " " + secs + "s");
    }

    public synchronized void failed(String key, String reason) {
        double secs = seconds(key);
        update(key, s -> new StageStatus(s.name(), s.key(), State.FAILED, false, s.started(), now(), secs, reason,
                s.jobId()));
        log("FAIL  " + key + ": " + reason);
    }

    /** A stage that cannot run because a stage it needs failed. */
    public synchronized void blocked(String key, String reason) {
        update(key, s -> s.with(State.FAILED, reason));
    }

    public synchronized void interrupted(String key) {
        update(key, s -> s.with(State.INTERRUPTED, "interrupted; run the same command again to resume"));
        log("interrupted " + key);
    }

    public synchronized void jobId(String key, String jobId) {
        update(key, s -> new StageStatus(s.name(), s.key(), s.state(), s.cached(), s.started(), s.ended(), s.seconds(),
                s.reason(), jobId));
    }

    public synchronized Map<String, RunStatus> snapshot() {
        return new LinkedHashMap<>(runs);
    }

    public synchronized void writeAll() {
        runs.forEach((id, st) -> st.write(dir.runStatus(id)));
    }

    public synchronized void log(String line) {
        AtomicFiles.appendLine(dir.log(), now() + " " + line);
    }

    private void update(String key, java.util.function.UnaryOperator<StageStatus> f) {
        for (Map.Entry<String, RunStatus> e : runs.entrySet()) {
            RunStatus st = e.getValue();
            boolean touched = false;
            List<StageStatus> stages = new ArrayList<>();
            for (StageStatus s : st.stages()) {
                if (s.key().equals(key)) {
                    stages.add(f.apply(s));
                    touched = true;
                } else {
                    stages.add(s);
                }
            }
            if (touched) {
                RunStatus next = new RunStatus(st.run(), RunStatus.derive(stages), now(), stages);
                e.setValue(next);
                next.write(dir.runStatus(st.run()));
            }
        }
    }

    private List<String> runsOf(String key) {
        List<String> out = new ArrayList<>();
        for (RunPlan r : plan.runs()) {
            if (r.stages().stream().anyMatch(s -> s.key().equals(key))) {
                out.add(r.id());
            }
        }
        return out;
    }

    private double seconds(String key) {
        Instant s = started.get(key);
        return s == null ? 0 : Duration.between(s, Instant.now()).toMillis() / 1000.0;
    }

    private static String now() {
        return Instant.now().toString();
    }
}
