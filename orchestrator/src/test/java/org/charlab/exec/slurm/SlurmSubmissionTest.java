package org.charlab.exec.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.stage.StageCatalog;
import org.charlab.plan.Plan;
import org.charlab.plan.Planner;
import org.charlab.results.RunStatus;
import org.charlab.results.SweepDir;
import org.charlab.testing.CliRun;
import org.charlab.testing.Experiments;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submission against fake Slurm commands (no cluster needed): waves and their dependencies, the
 * job script, job ids in status.json, resume that waits for queued tasks, and every refusal as one
 * line with exit 2 and nothing left half-submitted.
 */
class SlurmSubmissionTest {

    @TempDir
    Path dir;

    FakeSlurm slurm;
    Path results;
    SweepDir sweep;

    @BeforeEach
    void setUp() throws Exception {
        slurm = new FakeSlurm(dir.resolve("bin"));
        results = dir.resolve("results");
        Plan plan = new Planner(StageCatalog.load()).plan(Experiments.TWO_ARMS, List.of(), null);
        sweep = SweepDir.of(results, plan.experiment(), plan.sweepId());
    }

    private CliRun submit(String... extra) {
        List<String> args = new ArrayList<>(List.of("run", Experiments.TWO_ARMS.toString(), "--results",
                results.toString(), "--executor", "slurm", "--slurm-bin", slurm.bin.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void oneArrayPerWaveEachWaitingForTheArraysItNeeds() throws Exception {
        CliRun r = submit("--detach", "--partition", "debug", "--gres", "gpu:1", "--time", "00:10:00", "--mem", "2G",
                "--cpus-per-task", "3", "--max-parallel", "2");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("charlab status " + sweep.dir()), r.out());
        assertEquals(3, slurm.sbatchCalls().size(), "base, trains, evals");
        String base = Files.readString(SlurmLayout.script(sweep, "101"));
        String trains = Files.readString(SlurmLayout.script(sweep, "102"));
        String evals = Files.readString(SlurmLayout.script(sweep, "103"));
        assertFalse(base.contains("--dependency"), base);
        assertTrue(base.contains("#SBATCH --array=0-0%2\n"), base);
        assertTrue(trains.contains("#SBATCH --array=0-5%2\n"), trains);
        assertTrue(trains.contains("#SBATCH --dependency=afterok:101\n"), trains);
        assertTrue(evals.contains("#SBATCH --dependency=afterok:101:102\n"), evals);
        for (String opt : List.of("--partition=debug", "--gres=gpu:1", "--time=00:10:00", "--mem=2G",
                "--cpus-per-task=3", "--kill-on-invalid-dep=yes")) {
            assertTrue(evals.contains("#SBATCH " + opt + "\n"), opt + " in\n" + evals);
        }
        assertTrue(trains.contains("org.charlab.cli.Main exec-stage '" + sweep.dir() + "' \"$KEY\" --threads=\"$THREADS\""),
                trains);
        assertFalse(trains.contains("--parent-pid"), "a Slurm task must not die with the submitting process");
        assertTrue(trains.contains("export MALLOC_MMAP_THRESHOLD_=\"${MALLOC_MMAP_THRESHOLD_:-268435456}\"\n"
                + "export MALLOC_TRIM_THRESHOLD_=\"${MALLOC_TRIM_THRESHOLD_:-268435456}\"\n"), "stage malloc settings, " + trains);
        RunStatus st = RunStatus.read(sweep.runStatus("plain-s0"));
        assertEquals(List.of("101_0", "102_0", "103_0"), st.stages().stream().map(RunStatus.StageStatus::jobId).toList());
        String key = st.stages().get(1).key();
        assertTrue(trains.contains("KEYS=(\n  " + key + "  # train (plain-s0)\n"), trains);
        assertTrue(Files.isSymbolicLink(sweep.run("plain-s0").resolve("slurm/train.sh")));
        assertEquals(SlurmLayout.script(sweep, "102"), sweep.run("plain-s0").resolve("slurm/train.sh").toRealPath());
    }

    @Test
    void runningAgainWaitsForQueuedTasksAndResubmitsTheRest() throws Exception {
        assertEquals(0, submit("--detach").exitCode());
        assertEquals(3, slurm.sbatchCalls().size());
        StringBuilder queue = new StringBuilder("101_0 RUNNING None\n");
        for (int i = 0; i < 6; i++) {
            queue.append("102_").append(i).append(" PENDING Dependency\n");
        }
        slurm.queue(queue.toString());
        CliRun again = submit("--detach");
        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertEquals(4, slurm.sbatchCalls().size(), "only the evals, which left the queue, are resubmitted");
        String evals = Files.readString(SlurmLayout.script(sweep, "104"));
        assertTrue(evals.contains("#SBATCH --dependency=afterok:101_0:102_0:102_1:102_2:102_3:102_4:102_5\n"), evals);
        assertEquals("104_0", RunStatus.read(sweep.runStatus("plain-s0")).stages().get(2).jobId());
        assertEquals("102_0", RunStatus.read(sweep.runStatus("plain-s0")).stages().get(1).jobId());
    }

    @Test
    void aRefusedLaterWaveCancelsTheEarlierOnes() throws Exception {
        slurm.refuse(3, "sbatch: error: Batch job submission failed: Invalid account or account/partition combination");
        CliRun r = submit("--detach");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("sbatch refused") && r.err().contains("Invalid account"), r.err());
        assertEquals(List.of("101 102"), slurm.scancelCalls(), "nothing half-submitted");
    }

    @Test
    void missingSbatchIsOneLineAndWritesNothing() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliRun r = CliRun.of("run", Experiments.TWO_ARMS.toString(), "--results", results.toString(), "--executor",
                "slurm", "--slurm-bin", empty.toString());
        assertEquals(2, r.exitCode());
        assertEquals(List.of("charlab: 'sbatch' is not on the PATH: --executor slurm needs the Slurm client commands; "
                + "run charlab on a login node of the cluster"), r.errLines());
        assertFalse(Files.exists(results));
    }

    @Test
    void unknownPartitionIsOneLineAndSubmitsNothing() throws Exception {
        CliRun r = submit("--partition", "gpu");
        assertEquals(2, r.exitCode());
        assertEquals(List.of("charlab: unknown Slurm partition 'gpu' (this cluster has: debug)"), r.errLines());
        assertTrue(slurm.sbatchCalls().isEmpty());
        assertFalse(Files.exists(results));
    }

    @Test
    void unwritableResultsRootIsOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        results = file.resolve("results");
        CliRun r = submit();
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("results root " + results + " is not writable"), r.err());
        assertTrue(slurm.sbatchCalls().isEmpty());
    }

    @Test
    void badOptionsAreOneLine() throws Exception {
        CliRun time = submit("--time", "ten minutes");
        assertEquals(2, time.exitCode());
        assertTrue(time.err().contains("is not a Slurm time limit"), time.err());
        CliRun detach = CliRun.of("run", Experiments.TWO_ARMS.toString(), "--results", results.toString(), "--detach");
        assertEquals(2, detach.exitCode());
        assertTrue(detach.err().contains("--detach needs --executor slurm"), detach.err());
        assertTrue(slurm.sbatchCalls().isEmpty());
    }

    @Test
    void theExperimentFileCanChooseSlurm() throws Exception {
        CliRun r = CliRun.of("run", Experiments.TWO_ARMS.toString(), "executor.type=slurm",
                "executor.slurm.partition=debug", "--results", results.toString(), "--slurm-bin", slurm.bin.toString(),
                "--detach");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(Files.readString(SlurmLayout.script(sweep, "101")).contains("#SBATCH --partition=debug\n"));
    }
}
