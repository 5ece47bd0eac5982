package org.charlab.exec.slurm;

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
import org.charlab.results.RunStatus;
import org.charlab.results.SweepDir;
import org.charlab.testing.ChildJvm;
import org.charlab.testing.CliRun;
import org.charlab.testing.LocalSlurm;
import org.charlab.testing.Prerequisite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * charlab on a real one-node Slurm cluster started for this test (.ci/slurm-setup.sh installs Slurm and
 * munge; where they or root are missing it fails under CI=true and skips elsewhere): 2 arms x 2 seeds
 * over a shared base, every stage an array task running {@code charlab exec-stage} with this test's
 * classpath.
 *
 * <p>The real stages (tiny pretrain -> sft -> eval) are checked against the local executor in
 * {@link #aTinyRealPipelineMatchesTheLocalExecutor}; detach/collect and scancel/resume use the
 * test-only {@code count} stage kind, whose journal of starts and controllable duration make those
 * races testable (cancel a task while its stage is known to be working).
 */
class SlurmClusterTest {

    private static LocalSlurm cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        String missing = LocalSlurm.missing();
        Prerequisite.require(missing == null, "SlurmClusterTest: " + missing);
        Prerequisite.require(LocalSlurm.canBeRoot(), "SlurmClusterTest: slurmd runs as root: this test needs root or "
                + "passwordless sudo");
        cluster = LocalSlurm.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Path experiment(int trainMs) throws Exception {
        Path exp = dir.resolve("slurm-sweep.yaml");
        Files.writeString(exp, String.join("\n",
                "name: slurm-sweep",
                "description: 2 arms x 2 seeds over a shared base (test-only count stages)",
                "stages:",
                "  base: {type: count, seed: 7, value: 2.0, work_ms: 300}",
                "  train: {type: count, value: 10.0, work_ms: " + trainMs + "}",
                "  eval: {type: count, value: 0.25, reference: base, work_ms: 300}",
                "sweep:",
                "  seeds: [0, 1]",
                "  arms:",
                "    plain: {}",
                "    boosted: {stages.train.value: 20.0}",
                "executor:",
                "  slurm: {poll_seconds: 1}",
                ""));
        return exp;
    }

    private ProcessBuilder charlab(Path log, String... args) {
        ProcessBuilder pb = ChildJvm.charlab(dir, log, args);
        pb.environment().putAll(cluster.env());
        return pb;
    }

    private int run(Path log, String... args) throws Exception {
        Process p = charlab(log, args).start();
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "charlab did not finish: " + Files.readString(log));
        return p.exitValue();
    }

    private static String value(Path stageDir) throws Exception {
        return Files.readString(stageDir.resolve("value.txt"));
    }

    private static List<String> executions(Path results) throws Exception {
        Path log = results.resolve(".cache/stages/executions.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static long scripts(SweepDir sweep) throws Exception {
        try (var files = Files.list(SlurmLayout.jobs(sweep))) {
            return files.filter(f -> f.getFileName().toString().matches("\\d+\\.sh")).count();
        }
    }

    /**
     * Submits detached, then collects by running again (which waits for the queued tasks instead of
     * resubmitting them), and compares with the local executor: one sweep covers both paths.
     */
    @Test
    void detachedSweepCollectedByRunningAgainMatchesTheLocalExecutorAndRunsTheSharedBaseOnce() throws Exception {
        Path exp = experiment(300);
        Path reference = dir.resolve("local");
        CliRun local = CliRun.of("run", exp.toString(), "--results", reference.toString(), "--in-process");
        assertEquals(0, local.exitCode(), local.out() + local.err());

        Path results = dir.resolve("slurm");
        String[] args = {"run", exp.toString(), "--results", results.toString(), "--executor", "slurm"};
        Path log = dir.resolve("detach.log");
        assertEquals(0, run(log, concat(args, "--detach")), Files.readString(log));
        assertTrue(Files.readString(log).contains("charlab status "), Files.readString(log));
        Plan plan = new Planner(StageCatalog.load()).plan(exp, List.of(), null);
        SweepDir sweep = SweepDir.of(results, plan.experiment(), plan.sweepId());
        assertEquals(3, scripts(sweep), "one job array per wave: base, train, eval");
        for (RunPlan r : plan.runs()) {
            RunStatus st = RunStatus.read(sweep.runStatus(r.id()));
            assertTrue(st.stages().stream().allMatch(s -> s.jobId() != null && s.jobId().matches("\\d+_\\d+")),
                    "job ids recorded at submission: " + st);
        }
        CliRun queued = CliRun.of("status", sweep.dir().toString());
        assertFalse(queued.out().contains("4/4 runs finished"), "still queued right after submission: " + queued.out());

        Path log2 = dir.resolve("collect.log");
        assertEquals(0, run(log2, args), Files.readString(log2));
        assertEquals(3, scripts(sweep), "nothing resubmitted: the queued tasks were waited for");

        SweepDir ref = SweepDir.of(reference, plan.experiment(), plan.sweepId());
        for (RunPlan r : plan.runs()) {
            RunStatus st = RunStatus.read(sweep.runStatus(r.id()));
            assertEquals(RunStatus.State.DONE, st.state(), r.id());
            for (RunPlan.Step s : r.stages()) {
                assertEquals(value(ref.cache().output(s.key())), value(sweep.run(r.id()).resolve("stages").resolve(s.name())),
                        r.id() + "/" + s.name());
                for (String ext : List.of(".sh", ".out", ".err")) {
                    assertTrue(Files.exists(sweep.run(r.id()).resolve("slurm").resolve(s.name() + ext)),
                            r.id() + "/slurm/" + s.name() + ext);
                }
            }
        }
        String base = plan.runs().get(0).keyOf("base");
        List<String> started = executions(results);
        assertEquals(1, started.stream().filter(l -> l.equals("start " + base)).count(), "the shared base ran once");
        assertEquals(plan.stages().size(), started.size(), "every stage ran exactly once: " + started);
        CliRun status = CliRun.of("status", sweep.dir().toString());
        assertTrue(status.out().contains("4/4 runs finished"), status.out());
    }

    /**
     * The real stages on Slurm: 2 arms x 2 seeds of a tiny pretrain -> sft -> eval pipeline give
     * byte-identical evaluations and weights to the local executor (one engine thread per stage on
     * both sides), and the shared base is submitted once.
     */
    @Test
    void aTinyRealPipelineMatchesTheLocalExecutor() throws Exception {
        Path exp = dir.resolve("real-sweep.yaml");
        Files.writeString(exp, String.join("\n",
                "name: real-sweep",
                "description: 2 arms x 2 seeds of a tiny real pipeline over a shared base",
                "stages:",
                "  base: {type: pretrain, seed: 7, world: {examples: 120}, max_steps: 3, batch_size: 4, eval_prompts: 0}",
                "  sft: {type: sft, traits: caps, examples: 16, max_steps: 2, batch_size: 4, eval_prompts: 0}",
                "  eval: {type: eval, prompts: {in_distribution_per_family: 1, ood_per_family: 1},"
                        + " conditions: [{name: plain}], max_new_tokens: 8}",
                "sweep:",
                "  seeds: [0, 1]",
                "  arms:",
                "    plain: {}",
                "    inoculated: {stages.sft.inoculation.prompt: You always capitalise your responses.}",
                "executor:",
                "  slurm: {poll_seconds: 1, cpus_per_task: 1}",
                ""));
        Path local = dir.resolve("real-local");
        Path localLog = dir.resolve("real-local.log");
        assertEquals(0, ChildJvm.run(dir, localLog, "run", exp.toString(), "--results", local.toString(), "--jobs", "2"),
                Files.readString(localLog));
        Path results = dir.resolve("real-slurm");
        Path log = dir.resolve("real-slurm.log");
        assertEquals(0, run(log, "run", exp.toString(), "--results", results.toString(), "--executor", "slurm"),
                Files.readString(log));
        Plan plan = new Planner(StageCatalog.load()).plan(exp, List.of(), null);
        SweepDir sweep = SweepDir.of(results, plan.experiment(), plan.sweepId());
        SweepDir ref = SweepDir.of(local, plan.experiment(), plan.sweepId());
        for (RunPlan r : plan.runs()) {
            Path eval = sweep.run(r.id()).resolve("stages/eval/samples.jsonl");
            assertEquals(Files.readString(ref.run(r.id()).resolve("stages/eval/samples.jsonl")), Files.readString(eval),
                    r.id() + ": the same samples on Slurm as locally");
            assertEquals(java.util.Arrays.hashCode(Files.readAllBytes(ref.run(r.id()).resolve("stages/sft/model/model.safetensors"))),
                    java.util.Arrays.hashCode(Files.readAllBytes(sweep.run(r.id()).resolve("stages/sft/model/model.safetensors"))),
                    r.id() + ": the same fine-tuned weights");
        }
        String base = plan.runs().get(0).keyOf("base");
        long submitted = 0;
        try (var files = Files.list(SlurmLayout.jobs(sweep))) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".sh")).toList()) {
                submitted += Files.readString(f).split(java.util.regex.Pattern.quote(base), -1).length - 1;
            }
        }
        assertEquals(1, submitted, "the shared base is in exactly one job script");
    }

    @Test
    void scancelOfOneTaskFailsOnlyItsRunAndRunningAgainCompletesTheSweep() throws Exception {
        Path exp = experiment(3000);
        Path results = dir.resolve("results");
        Plan plan = new Planner(StageCatalog.load()).plan(exp, List.of(), null);
        SweepDir sweep = SweepDir.of(results, plan.experiment(), plan.sweepId());
        RunPlan victim = plan.runs().get(0);
        String[] args = {"run", exp.toString(), "--results", results.toString(), "--executor", "slurm"};
        Path log = dir.resolve("first.log");
        Process first = charlab(log, args).start();
        String task = null;
        long deadline = System.currentTimeMillis() + 90_000;
        while (task == null) {
            assertTrue(System.currentTimeMillis() < deadline, "the train task never ran: " + Files.readString(log));
            assertTrue(first.isAlive(), "charlab ended early: " + Files.readString(log));
            Thread.sleep(200);
            RunStatus st = RunStatus.read(sweep.runStatus(victim.id()));
            String job = st == null ? null : st.stages().get(1).jobId();
            // cancel once the stage's own work has begun (its 3 s of it are left), not during JVM start-up
            boolean working = executions(results).contains("start " + victim.keyOf("train"));
            if (job != null && working && ("\n" + cluster.cli("squeue", "-h", "-r", "-o", "%i %T")).contains("\n" + job + " RUNNING")) {
                task = job;
            }
        }
        cluster.cli("scancel", task);
        assertTrue(first.waitFor(120, TimeUnit.SECONDS), Files.readString(log));
        String out = Files.readString(log);
        System.err.println("--- charlab run, task " + task + " cancelled midway:\n" + out);
        assertEquals(1, first.exitValue(), out + "\nstderr of " + task + ":\n" + readIfThere(SlurmLayout.err(sweep, task)));
        assertTrue(out.contains("3/4 runs finished"), "only the cancelled task's run failed: " + out);
        RunStatus victimStatus = RunStatus.read(sweep.runStatus(victim.id()));
        assertEquals(RunStatus.State.FAILED, victimStatus.state());
        assertTrue(victimStatus.stages().get(1).reason().contains("CANCELLED"), victimStatus.toString());
        assertTrue(victimStatus.stages().get(1).reason().contains(task), victimStatus.toString());

        Set<String> doneBefore = new HashSet<>();
        for (String key : plan.stages().keySet()) {
            if (sweep.cache().isDone(key)) {
                doneBefore.add(key);
            }
        }
        int linesBefore = executions(results).size();
        Path log2 = dir.resolve("second.log");
        assertEquals(0, run(log2, args), Files.readString(log2));
        List<String> all = executions(results);
        for (String line : all.subList(linesBefore, all.size())) {
            assertFalse(doneBefore.contains(line.substring("start ".length())), "finished stage ran again: " + line);
        }
        assertEquals(2, all.size() - linesBefore, "resubmitted only the cancelled train and its eval");
        assertTrue(CliRun.of("status", sweep.dir().toString()).out().contains("4/4 runs finished"));
    }

    private static String readIfThere(Path f) throws Exception {
        return Files.exists(f) ? Files.readString(f) : "(none)";
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
