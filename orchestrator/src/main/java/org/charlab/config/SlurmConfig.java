package org.charlab.config;

import java.util.List;

/**
 * How stages are submitted to Slurm: one job array per wave of stages whose inputs are ready,
 * every array task a {@code charlab exec-stage} of one stage. Empty strings leave the option to
 * the cluster's defaults.
 */
@Doc("Slurm submission options (sbatch) for every stage of the sweep.")
public record SlurmConfig(
        @Setting(doc = "Partition to submit to (sbatch --partition); '' means the cluster's default. GPU stages "
                + "need a GPU partition and `gres`.", def = "''")
        String partition,
        @Setting(doc = "Account to charge (sbatch --account); '' means your default account.", def = "''")
        String account,
        @Setting(doc = "Time limit of each stage's task, e.g. 02:00:00 or 1-00:00:00 (sbatch --time); '' means "
                + "the partition's default. A task that hits it fails with reason TIMEOUT.", def = "''")
        String time,
        @Setting(doc = "CPU cores per stage task (sbatch --cpus-per-task); the stage runs this many engine "
                + "threads.", def = "1", min = 1)
        int cpusPerTask,
        @Setting(doc = "Memory per stage task, e.g. 16G (sbatch --mem); '' means the partition's default. A "
                + "task that exceeds it fails with reason OUT_OF_MEMORY.", def = "''")
        String mem,
        @Setting(doc = "Generic resources per stage task, e.g. gpu:1 (sbatch --gres); use with runtime.device: "
                + "cuda.", def = "''")
        String gres,
        @Setting(doc = "At most this many tasks of a job array run at once (sbatch --array=...%K); 0 means no "
                + "limit beyond the cluster's.", def = "0", min = 0)
        int maxParallel,
        @Setting(doc = "More sbatch options, passed as they are, e.g. [\"--qos=long\", \"--constraint=a100\"].",
                def = "[]")
        List<String> sbatchArgs,
        @Setting(doc = "Shell lines the job script runs before starting Java on the node, e.g. "
                + "[\"module load java/17\"].", def = "[]")
        List<String> setup,
        @Setting(doc = "Java executable on the nodes; '' means the one running `charlab run` (same path on "
                + "every node).", def = "''")
        String java,
        @Setting(doc = "Seconds between polls of squeue/scontrol while `charlab run` follows the jobs.",
                def = "10", min = 1)
        int pollSeconds) {

    public SlurmConfig {
        if (!time.isEmpty() && !time.matches("(\\d+-)?\\d+(:\\d+){0,2}")) {
            throw new IllegalArgumentException("time '" + time + "' is not a Slurm time limit (MM, HH:MM:SS or "
                    + "D-HH:MM:SS)");
        }
        if (!gres.isEmpty() && !gres.matches("[A-Za-z0-9_]+(:[A-Za-z0-9_.-]+)*(,[A-Za-z0-9_]+(:[A-Za-z0-9_.-]+)*)*")) {
            throw new IllegalArgumentException("gres '" + gres + "' is not a Slurm gres list (e.g. gpu:1)");
        }
        if (!mem.isEmpty() && !mem.matches("\\d+[KMGT]?")) {
            throw new IllegalArgumentException("mem '" + mem + "' is not a Slurm memory size (e.g. 16G, 4000M)");
        }
        sbatchArgs = List.copyOf(sbatchArgs);
        setup = List.copyOf(setup);
    }

    public static SlurmConfig defaults() {
        return new SlurmConfig("", "", "", 1, "", "", 0, List.of(), List.of(), "", 10);
    }

    /** A copy with the options given on the command line (null: keep this one's). */
    public SlurmConfig with(String partition, String account, String time, Integer cpusPerTask, String mem,
            String gres, Integer maxParallel) {
        return new SlurmConfig(partition != null ? partition : this.partition, account != null ? account : this.account,
                time != null ? time : this.time, cpusPerTask != null ? cpusPerTask : this.cpusPerTask,
                mem != null ? mem : this.mem, gres != null ? gres : this.gres,
                maxParallel != null ? maxParallel : this.maxParallel, sbatchArgs, setup, java, pollSeconds);
    }
}
