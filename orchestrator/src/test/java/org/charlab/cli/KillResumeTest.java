package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.charlab.stage.StageCatalog;
import org.charlab.plan.Plan;
import org.charlab.plan.Planner;
import org.charlab.plan.RunPlan;
import org.charlab.results.SweepDir;
import org.charlab.results.SweepLock;
import org.charlab.testing.ChildJvm;
import org.charlab.testing.CliRun;
import org.charlab.testing.CountStageKind;
import org.charlab.testing.Prerequisite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole CLI in a child JVM, stages in grandchild JVMs: killed with SIGKILL midway and run
 * again, every run finishes, no finished stage is computed again, and the results equal those of
 * an uninterrupted run.
 */
class KillResumeTest {

    @TempDir
    Path dir;

    private Path experiment() throws Exception {
        Path exp = dir.resolve("slow.yaml");
        Files.writeString(exp, Files.readString(Path.of("src/test/resources/experiments/two-arms.yaml"))
                .replace("value: 10.0", "value: 10.0\n    work_ms: 1200")
                .replace("value: 0.25", "value: 0.25\n    work_ms: 400"));
        return exp;
    }

    @Test
    void sigkillMidwayThenResumeFinishesWithIdenticalResults() throws Exception {
        Path exp = experiment();
        Path reference = dir.resolve("reference");
        CliRun ref = CliRun.of("run", exp.toString(), "--results", reference.toString(), "--in-process", "--jobs", "2");
        assertEquals(0, ref.exitCode(), ref.out());

        Path results = dir.resolve("results");
        Path journal = results.resolve(".cache/stages/executions.log");
        Path log1 = dir.resolve("first.log");
        String[] args = {"run", exp.toString(), "--results", results.toString(), "--jobs", "2"};
        Process first = ChildJvm.charlab(dir, log1, args).start();
        long deadline = System.currentTimeMillis() + 120_000;
        while ((!Files.exists(journal) || Files.readAllLines(journal).size() < 5) && System.currentTimeMillis() < deadline) {
            assertTrue(first.isAlive(), "the first run ended early: " + Files.readString(log1));
            Thread.sleep(50);
        }
        List<ProcessHandle> stages = first.descendants().toList();
        first.destroyForcibly();
        first.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle h : stages) {
            h.onExit().get(30, TimeUnit.SECONDS);
        }

        Plan plan = new Planner(StageCatalog.load()).plan(exp, List.of(), null);
        SweepDir sweep = SweepDir.of(results, plan.experiment(), plan.sweepId());
        Set<String> doneAtKill = new HashSet<>();
        for (String key : plan.stages().keySet()) {
            if (sweep.cache().isDone(key)) {
                doneAtKill.add(key);
            }
        }
        assertFalse(doneAtKill.isEmpty(), "killed after some stages finished");
        assertTrue(doneAtKill.size() < plan.stages().size(), "killed before all stages finished");
        int linesBefore = Files.readAllLines(journal).size();

        Path log2 = dir.resolve("second.log");
        assertEquals(0, ChildJvm.run(dir, log2, args), Files.readString(log2));
        List<String> all = Files.readAllLines(journal);
        for (String line : all.subList(linesBefore, all.size())) {
            String key = line.substring("start ".length());
            assertFalse(doneAtKill.contains(key), "finished stage " + key + " was computed again");
        }
        CliRun status = CliRun.of("status", sweep.dir().toString());
        assertEquals(0, status.exitCode(), status.out());
        assertTrue(status.out().contains("6/6 runs finished"), status.out());
        SweepDir refSweep = SweepDir.of(reference, plan.experiment(), plan.sweepId());
        for (RunPlan r : plan.runs()) {
            for (RunPlan.Step s : r.stages()) {
                assertEquals(Files.readString(refSweep.cache().output(s.key()).resolve("value.txt")),
                        Files.readString(sweep.run(r.id()).resolve("stages").resolve(s.name()).resolve("value.txt")),
                        r.id() + "/" + s.name());
            }
        }
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status; children inherit it). */
    static boolean sigintIgnored() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    @Test
    void ctrlCMarksRunningStagesInterruptedAndTheNextRunResumes() throws Exception {
        // a shell starting a job in the background (`cmd &`) ignores SIGINT for it, and a JVM that starts with
        // SIGINT ignored never sees ctrl-C: the interrupt this test sends could not arrive
        Prerequisite.require(!sigintIgnored(), "SIGINT is ignored in this process tree (started in the background "
                + "by a non-interactive shell), so ctrl-C cannot reach the charlab child; run the build in the foreground");
        Path exp = experiment();
        Path results = dir.resolve("results");
        Path journal = results.resolve(".cache/stages/executions.log");
        Path log = dir.resolve("interrupted.log");
        String[] args = {"run", exp.toString(), "--results", results.toString(), "--jobs", "2", "sweep.seeds=[0]"};
        // the train stages hold after their first step until the hold file goes: SIGINT lands mid-stage on any machine
        Path hold = Files.createFile(dir.resolve("hold"));
        ProcessBuilder held = ChildJvm.charlab(dir, log, args);
        held.environment().put(CountStageKind.HOLD, hold.toString());
        Process p = held.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.readString(log).contains("holding at step 1") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.readString(log).contains("holding at step 1"), Files.readString(log));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        Files.delete(hold);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(log);
        assertEquals(130, p.exitValue(), out);
        assertTrue(out.contains("interrupted: run the same command again to resume"), out);
        Plan plan = new Planner(StageCatalog.load()).plan(exp, List.of("sweep.seeds=[0]"), null);
        SweepDir sweep = SweepDir.of(results, plan.experiment(), plan.sweepId());
        CliRun status = CliRun.of("status", sweep.dir().toString());
        assertTrue(status.out().contains("interrupted"), status.out());
        Path log2 = dir.resolve("resumed.log");
        assertEquals(0, ChildJvm.run(dir, log2, args), Files.readString(log2));
        assertTrue(CliRun.of("status", sweep.dir().toString()).out().contains("2/2 runs finished"));
    }

    @Test
    void aSecondRunOnALockedSweepNamesTheHolder() throws Exception {
        Path exp = experiment();
        Path results = dir.resolve("results");
        Plan plan = new Planner(StageCatalog.load()).plan(exp, List.of(), null);
        SweepDir sweep = SweepDir.of(results, plan.experiment(), plan.sweepId());
        try (SweepLock held = SweepLock.acquire(sweep.lock(), "charlab run test-holder")) {
            Path log = dir.resolve("locked.log");
            int rc = ChildJvm.run(dir, log, "run", exp.toString(), "--results", results.toString());
            String out = Files.readString(log);
            assertEquals(2, rc, out);
            assertTrue(out.contains("another charlab process is running this sweep (pid " + ProcessHandle.current().pid()),
                    out);
            assertTrue(out.contains("charlab run test-holder"), out);
        }
    }
}
