package org.charlab.cli;

import java.nio.file.Path;
import org.charlab.BadInput;
import org.charlab.config.SlurmConfig;
import picocli.CommandLine.Option;

/** The Slurm options of {@code charlab run}; each overrides the experiment file's executor.slurm field. */
final class SlurmOptions {

    @Option(names = "--partition", paramLabel = "P", description = "Slurm partition (executor.slurm.partition).")
    String partition;

    @Option(names = "--account", paramLabel = "A", description = "Slurm account to charge (executor.slurm.account).")
    String account;

    @Option(names = "--time", paramLabel = "HH:MM:SS", description = "Time limit of each stage's task "
            + "(executor.slurm.time).")
    String time;

    @Option(names = "--cpus-per-task", paramLabel = "N", description = "Cores and engine threads per stage task "
            + "(executor.slurm.cpus_per_task).")
    Integer cpusPerTask;

    @Option(names = "--mem", paramLabel = "M", description = "Memory per stage task, e.g. 16G (executor.slurm.mem).")
    String mem;

    @Option(names = "--gres", paramLabel = "G", description = "Generic resources per stage task, e.g. gpu:1 "
            + "(executor.slurm.gres).")
    String gres;

    @Option(names = "--max-parallel", paramLabel = "K", description = "Tasks of a job array running at once, 0 for "
            + "no limit (executor.slurm.max_parallel).")
    Integer maxParallel;

    @Option(names = "--detach", description = "With --executor slurm: submit, record the job ids and exit; follow with "
            + "`charlab status SWEEP_DIR`, and run the same command again to resume or collect.")
    boolean detach;

    @Option(names = "--slurm-bin", hidden = true, paramLabel = "DIR", description = "Take sbatch, squeue, ... from DIR "
            + "instead of the PATH (tests).")
    Path bin;

    /** The file's settings with these options on top, validated as the file's would be. */
    SlurmConfig apply(SlurmConfig fromFile) {
        if (cpusPerTask != null && cpusPerTask < 1) {
            throw new BadInput("--cpus-per-task must be >= 1, found " + cpusPerTask);
        }
        if (maxParallel != null && maxParallel < 0) {
            throw new BadInput("--max-parallel must be >= 0, found " + maxParallel);
        }
        try {
            return fromFile.with(partition, account, time, cpusPerTask, mem, gres, maxParallel);
        } catch (IllegalArgumentException e) {
            throw new BadInput("executor.slurm: " + e.getMessage());
        }
    }
}
