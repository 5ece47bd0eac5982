package org.charlab.exec.slurm;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.charlab.config.SlurmConfig;
import org.charlab.exec.StageEnvironment;
import org.charlab.results.SweepDir;

/**
 * The batch script of one job array: its sbatch options as {@code #SBATCH} lines (so the script
 * alone records how the stages were submitted), the stage keys as a bash array, and task i
 * running {@code charlab exec-stage} on the i-th key with the JVM and classpath of the submitting
 * checkout. Output goes to {@code <sweep>/slurm/<job id>_<task>.out|.err}.
 */
public final class JobScript {

    private JobScript() {
    }

    /**
     * @param keys      one array task per key, in this order
     * @param labels    what each key is for the reader ("train (plain-s0)")
     * @param dependsOn job ids (whole arrays or single tasks) every task waits for
     */
    public static String text(SweepDir dir, String name, List<String> keys, Map<String, String> labels,
            Collection<String> dependsOn, SlurmConfig cfg, String java, String classpath) {
        Path logs = SlurmLayout.jobs(dir);
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("# charlab: ").append(keys.size()).append(" stage(s) of sweep ").append(dir.dir())
                .append("; array task i runs the i-th key of KEYS\n");
        List<String> opts = new ArrayList<>();
        opts.add("--job-name=" + name);
        opts.add("--array=0-" + (keys.size() - 1) + (cfg.maxParallel() > 0 ? "%" + cfg.maxParallel() : ""));
        opts.add("--chdir=" + dir.dir());
        opts.add("--output=" + logs.resolve("%A_%a.out"));
        opts.add("--error=" + logs.resolve("%A_%a.err"));
        opts.add("--cpus-per-task=" + cfg.cpusPerTask());
        opts.add("--ntasks=1");
        if (!cfg.partition().isEmpty()) {
            opts.add("--partition=" + cfg.partition());
        }
        if (!cfg.account().isEmpty()) {
            opts.add("--account=" + cfg.account());
        }
        if (!cfg.time().isEmpty()) {
            opts.add("--time=" + cfg.time());
        }
        if (!cfg.mem().isEmpty()) {
            opts.add("--mem=" + cfg.mem());
        }
        if (!cfg.gres().isEmpty()) {
            opts.add("--gres=" + cfg.gres());
        }
        if (!dependsOn.isEmpty()) {
            opts.add("--dependency=afterok:" + String.join(":", dependsOn));
            // a failed input cancels its dependants instead of leaving them pending forever
            opts.add("--kill-on-invalid-dep=yes");
        }
        opts.addAll(cfg.sbatchArgs());
        for (String o : opts) {
            s.append("#SBATCH ").append(o).append('\n');
        }
        s.append("\nKEYS=(\n");
        for (String k : keys) {
            s.append("  ").append(k).append("  # ").append(labels.getOrDefault(k, "").replace('\n', ' ')).append('\n');
        }
        s.append(")\n\n");
        s.append("set -e\n");
        for (String line : cfg.setup()) {
            s.append(line).append('\n');
        }
        s.append("KEY=\"${KEYS[$SLURM_ARRAY_TASK_ID]}\"\n");
        s.append("THREADS=\"${SLURM_CPUS_PER_TASK:-").append(cfg.cpusPerTask()).append("}\"\n");
        s.append("export OPT_OUT_TRACKING=true OMP_NUM_THREADS=\"$THREADS\" OMP_WAIT_POLICY=\"${OMP_WAIT_POLICY:-PASSIVE}\"\n");
        for (String variable : StageEnvironment.MALLOC_THRESHOLDS) {
            s.append("export ").append(variable).append("=\"${").append(variable).append(":-")
                    .append(StageEnvironment.DEFAULT_MALLOC_THRESHOLD).append("}\"\n");
        }
        s.append("echo \"charlab: stage $KEY on $(hostname) as job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\" >&2\n");
        s.append("exec ").append(quote(java)).append(" -Dai.djl.offline=true -Djava.awt.headless=true")
                .append(" -Dai.djl.pytorch.num_threads=\"$THREADS\" -Dai.djl.pytorch.num_interop_threads=1")
                .append(" \\\n  -cp ").append(quote(classpath))
                .append(" \\\n  org.charlab.cli.Main exec-stage ").append(quote(dir.dir().toString()))
                .append(" \"$KEY\" --threads=\"$THREADS\"\n");
        return s.toString();
    }

    /** This JVM's classpath with every entry made absolute: the nodes start from another directory. */
    public static String absoluteClasspath() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                out.add(Path.of(e).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(File.pathSeparator, out);
    }

    /** The java executable running this process. */
    public static String thisJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Single-quoted for bash. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
