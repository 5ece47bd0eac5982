package org.charlab.exec.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.config.SlurmConfig;

/**
 * Checks before anything is written or submitted, each failure one {@link BadInput} line: the
 * Slurm client commands exist, the partition is one the cluster has, and the results root (which
 * the nodes must share) is writable from here.
 */
public final class Preflight {

    private Preflight() {
    }

    public static void check(Slurm slurm, SlurmConfig cfg, Path resultsRoot) {
        for (String cmd : List.of("sbatch", "squeue", "scontrol", "scancel")) {
            if (slurm.find(cmd) == null) {
                throw new BadInput("'" + cmd + "' is not on the PATH: --executor slurm needs the Slurm client "
                        + "commands; run charlab on a login node of the cluster");
            }
        }
        if (!cfg.partition().isEmpty()) {
            List<String> known = slurm.partitions();
            if (!known.isEmpty() && !known.contains(cfg.partition())) {
                throw new BadInput("unknown Slurm partition '" + cfg.partition() + "' (this cluster has: "
                        + String.join(", ", known) + ")");
            }
        }
        writable(resultsRoot);
    }

    /** Creates and deletes a file in the results root, or in its nearest existing parent. */
    static void writable(Path resultsRoot) {
        Path d = resultsRoot.toAbsolutePath().normalize();
        while (d != null && !Files.exists(d)) {
            d = d.getParent();
        }
        String why = null;
        if (d == null || !Files.isDirectory(d)) {
            why = "it is not a directory";
        } else {
            try {
                Path probe = Files.createTempFile(d, ".charlab-write-test", ".tmp");
                Files.delete(probe);
            } catch (IOException | SecurityException e) {
                why = "cannot create a file in " + d + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
            }
        }
        if (why != null) {
            throw new BadInput("results root " + resultsRoot + " is not writable: " + why + "; with --executor slurm "
                    + "it must be a directory shared with the compute nodes (--results DIR)");
        }
    }
}
