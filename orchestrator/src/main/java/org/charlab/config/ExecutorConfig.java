package org.charlab.config;

/**
 * Where the stages of a sweep run. Not part of any stage key or sweep id: the same plan gives the
 * same results wherever it runs. The options of {@code charlab run} override these.
 */
@Doc("Where stages run: this machine, or a Slurm cluster (`charlab run --executor slurm`).")
public record ExecutorConfig(
        @Setting(doc = "local: stages run as processes on this machine (--jobs at a time); slurm: stages are "
                + "submitted as Slurm job arrays and charlab follows them (see the `slurm` section).", def = "local")
        Type type,
        @Setting(doc = "Slurm settings, used when type is slurm.", def = "{}")
        SlurmConfig slurm) {

    /** The executors there are. */
    public enum Type { LOCAL, SLURM }

    public static ExecutorConfig defaults() {
        return new ExecutorConfig(Type.LOCAL, SlurmConfig.defaults());
    }
}
