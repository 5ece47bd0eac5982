package org.charlab.exec;

import org.charlab.stage.Progress;
import org.charlab.stage.StageCatalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charlab.testing.Experiments;
import org.charlab.results.RunStatus;
import org.charlab.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduling logic, with stages on threads of this JVM (the child-JVM path is tested in KillResumeTest). */
class LocalExecutorTest {

    @TempDir
    Path dir;

    private CliRun run(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("run", Experiments.TWO_ARMS.toString(), "--results",
                dir.toString(), "--in-process", "--jobs", "2"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private List<String> starts() throws Exception {
        Path log = dir.resolve(".cache/stages/executions.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private Path sweep() throws Exception {
        try (var s = Files.list(dir.resolve("two-arms"))) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void everyRunFinishesAndSharedStagesRunOnce() throws Exception {
        CliRun r = run();
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("6/6 runs finished"), r.out());
        List<String> starts = starts();
        assertEquals(13, starts.size(), "13 unique stages, each computed once: " + starts);
        assertEquals(starts.size(), starts.stream().distinct().count());
        Path sweep = sweep();
        RunStatus st = RunStatus.read(sweep.resolve("runs/boosted-s2/status.json"));
        assertEquals(RunStatus.State.DONE, st.state());
        // value chain: base = 2 + 7000; train = 20 + 2000 + base; eval = 0.25 + 2000 + train + base/2
        double base = 2 + 7000;
        double train = 20 + 2000 + base;
        double eval = 0.25 + 2000 + train + 0.5 * base;
        assertEquals(Double.toString(eval), Files.readString(sweep.resolve("runs/boosted-s2/stages/eval/value.txt")));
        // a stage's facts file ends up in stage.json, not among its outputs
        Path evalDir = sweep.resolve("runs/boosted-s2/stages/eval");
        assertTrue(Files.readString(evalDir.resolve("stage.json")).contains("\"facts\" : {\n    \"value\" : " + eval),
                Files.readString(evalDir.resolve("stage.json")));
        assertTrue(Files.notExists(evalDir.resolve(org.charlab.stage.Stage.FACTS)));
        assertTrue(Files.exists(sweep.resolve("plan.json")));
        assertTrue(Files.readString(sweep.resolve("provenance.json")).contains("\"git_commit\""));
        assertTrue(Files.readString(sweep.resolve("runs/boosted-s2/config.resolved.yaml")).contains("value: 20.0"));
        assertTrue(Files.readString(sweep.resolve("runs/boosted-s2/overrides.yaml")).contains("stages.train.value: 20.0"));
    }

    @Test
    void runningAgainRecomputesNothing() throws Exception {
        assertEquals(0, run().exitCode());
        int before = starts().size();
        CliRun again = run();
        assertEquals(0, again.exitCode());
        assertEquals(before, starts().size(), "no stage started again");
        assertTrue(again.out().contains("13 cached, 0 to run"), again.out());
    }

    @Test
    void aFailedStageFailsItsRunsAndTheOthersGoOn() throws Exception {
        Path exp = dir.resolve("fails.yaml");
        Files.writeString(exp, Files.readString(Experiments.TWO_ARMS).replace("boosted:\n      stages.train.value: 20.0",
                "boosted:\n      stages.train.value: 20.0\n      stages.train.fail: true"));
        CliRun f = CliRun.of("run", exp.toString(), "--results", dir.toString(), "--in-process");
        assertEquals(1, f.exitCode(), f.out());
        assertTrue(f.out().contains("3/6 runs finished"), f.out());
        assertTrue(f.out().contains("train: IllegalStateException: asked to fail"), f.out());
        assertTrue(f.out().contains("eval: not run: its input stage"), f.out());
        CliRun status = CliRun.of("status", sweep().toString());
        assertEquals(1, status.exitCode(), status.out());
        assertTrue(status.out().contains("boosted-s0  failed"), status.out());
        assertTrue(status.out().contains("plain-s0    done"), status.out());
    }

    @Test
    void ifExistsPolicies() throws Exception {
        assertEquals(0, run().exitCode());
        CliRun skip = run("--if-exists", "skip");
        assertTrue(skip.out().contains("skipping"), skip.out());
        CliRun fail = run("--if-exists", "fail");
        assertEquals(2, fail.exitCode());
        assertTrue(fail.err().contains("exists already"), fail.err());
        int before = starts().size();
        CliRun over = run("--if-exists", "overwrite");
        assertEquals(0, over.exitCode());
        assertEquals(before, starts().size(), "overwrite starts the sweep's records again but keeps the shared cache");
    }

    /** The two-arms experiment planned and set up in {@link #dir}, with its journal written. */
    private record Sweep(org.charlab.plan.Plan plan, org.charlab.results.SweepDir dir, SweepJournal journal) {
    }

    private Sweep twoArmsSweep() throws Exception {
        org.charlab.plan.Plan plan = new org.charlab.plan.Planner(StageCatalog.load()).plan(Experiments.TWO_ARMS,
                List.of(), null);
        org.charlab.results.SweepDir sd = org.charlab.results.SweepDir.of(dir, plan.experiment(), plan.sweepId());
        SweepSetup.write(plan, sd, IfExists.FAIL);
        SweepJournal journal = new SweepJournal(plan, sd);
        journal.writeAll();
        return new Sweep(plan, sd, journal);
    }

    @Test
    void aLauncherThatThrowsLeavesItsMessageInTheStatus() throws Exception {
        Sweep sw = twoArmsSweep();
        StageLauncher broken = new StageLauncher() {
            @Override
            public boolean launch(org.charlab.plan.Plan p, org.charlab.results.SweepDir d, String key, int threads,
                    int laneThreads, Progress progress, Path log) {
                throw new java.io.UncheckedIOException("cannot start a JVM for stage " + key,
                        new java.io.IOException("Cannot run program \"/no/such/java\": error=2"));
            }

            @Override
            public void stopAll() {
            }
        };
        java.io.StringWriter console = new java.io.StringWriter();
        var states = new LocalExecutor(broken, 1, 1).execute(sw.plan(), sw.dir(), sw.journal(),
                new ConsoleProgress(new java.io.PrintWriter(console, true), false, sw.plan().stages().size()));
        RunStatus st = states.values().iterator().next();
        assertEquals(RunStatus.State.FAILED, st.state());
        String reason = st.stages().get(0).reason();
        assertTrue(reason.contains("cannot start a JVM for stage") && reason.contains("/no/such/java"), reason);
        assertTrue(console.toString().contains("/no/such/java"), console.toString());
        assertTrue(Files.readString(sw.dir().runStatus(st.run())).contains("/no/such/java"));
    }

    /**
     * Free cores go to the stages starting now: the root stage, which starts alone, runs its lanes on
     * both cores; stages starting together share them; running stages never hold more than the cores.
     */
    @Test
    void aStageThatStartsAloneIsLentTheFreeCoresAndRunningStagesNeverHoldMore() throws Exception {
        Sweep sw = twoArmsSweep();
        InProcessLauncher real = new InProcessLauncher(StageCatalog.load());
        java.util.Map<String, Integer> lanes = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostHeld = new java.util.concurrent.atomic.AtomicInteger();
        StageLauncher recording = new StageLauncher() {
            @Override
            public boolean launch(org.charlab.plan.Plan p, org.charlab.results.SweepDir d, String key, int threads,
                    int laneThreads, Progress progress, Path log) throws InterruptedException {
                assertEquals(1, threads, "the engine's threads stay the sweep's share");
                lanes.put(key, laneThreads);
                mostHeld.accumulateAndGet(held.addAndGet(laneThreads), Math::max);
                try {
                    Thread.sleep(50); // let stages that start together overlap
                    return real.launch(p, d, key, threads, laneThreads, progress, log);
                } finally {
                    held.addAndGet(-laneThreads);
                }
            }

            @Override
            public void stopAll() {
            }
        };
        java.io.StringWriter console = new java.io.StringWriter();
        var states = new LocalExecutor(recording, 2, 1, 2).execute(sw.plan(), sw.dir(), sw.journal(),
                new ConsoleProgress(new java.io.PrintWriter(console, true), false, sw.plan().stages().size()));
        assertTrue(states.values().stream().allMatch(r -> r.state() == RunStatus.State.DONE), console.toString());
        assertEquals(sw.plan().stages().size(), lanes.size());
        String root = sw.plan().stageOrder().get(0);
        assertTrue(sw.plan().stages().get(root).deps().isEmpty(), "the first stage in order is a root");
        assertEquals(2, lanes.get(root), "the base starts alone: lanes on both cores");
        assertTrue(lanes.values().stream().anyMatch(n -> n == 1), "stages starting together share the cores: " + lanes);
        assertTrue(mostHeld.get() <= 2, "running stages held " + mostHeld.get() + " lane threads on 2 cores");
        assertTrue(console.toString().contains("(lanes on 2 cores)"), console.toString());
        // without cores to lend (a configured thread count) every stage runs its lanes on its own threads
        assertEquals(1, LocalExecutor.laneThreads(0, 0, 1, 1));
        assertEquals(3, LocalExecutor.laneThreads(8, 2, 2, 1), "6 free cores over 2 starting stages");
        assertEquals(2, LocalExecutor.laneThreads(8, 8, 1, 2), "never fewer than the stage's own threads");
    }
}
