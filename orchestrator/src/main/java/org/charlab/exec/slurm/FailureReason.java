package org.charlab.exec.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charlab.config.SlurmConfig;

/**
 * One line saying why a stage's array task ended without the stage in the cache, for status.json
 * and the sweep summary: the stage's own reason when it threw ({@code <key>.failed.json}), else
 * what Slurm says (out of memory, time limit, node failure, cancelled, exit code).
 */
public final class FailureReason {

    private FailureReason() {
    }

    /**
     * @param end         Slurm's account of the task, or null when Slurm no longer knows it
     * @param stageReason the reason the stage recorded itself, or null
     * @param err         the task's stderr file
     */
    public static String of(String taskId, Slurm.Ended end, String stageReason, SlurmConfig cfg, Path err) {
        String job = "job " + taskId;
        if (end == null) {
            return (stageReason != null ? stageReason + " (" + job + ")"
                    : job + " left the queue without finishing the stage") + "; see " + err;
        }
        switch (end.state()) {
            case "OUT_OF_MEMORY":
                return "OUT_OF_MEMORY: " + job + " ran out of memory"
                        + (cfg.mem().isEmpty() ? "" : " (--mem " + cfg.mem() + ")") + "; raise executor.slurm.mem";
            case "TIMEOUT":
                return "TIMEOUT: " + job + " hit its time limit"
                        + (cfg.time().isEmpty() ? "" : " (--time " + cfg.time() + ")") + "; raise executor.slurm.time";
            case "NODE_FAIL":
                return "NODE_FAIL: the node" + (end.node().isEmpty() ? "" : " " + end.node()) + " running " + job
                        + " failed; run again to resubmit";
            case "CANCELLED":
                return "CANCELLED: " + job + " was cancelled"
                        + ("None".equals(end.reason()) ? "" : " (" + end.reason() + ")") + "; run again to resubmit";
            case "PREEMPTED":
                return "PREEMPTED: " + job + " was preempted; run again to resubmit";
            default:
                String exit = exit(end.exitCode());
                if (stageReason != null) {
                    return stageReason + " (" + job + ", " + exit + ")";
                }
                String last = lastLine(err);
                return end.state() + ": " + job + " " + exit + (last == null ? "" : ": " + last) + "; see " + err;
        }
    }

    /** True when Slurm cancelled the task because a job it waited for failed. */
    public static boolean dependencyFailed(Slurm.Ended end) {
        return end != null && end.reason().contains("DependencyNeverSatisfied");
    }

    /** "3:0" -> "exit code 3", "0:9" -> "killed by signal 9". */
    static String exit(String code) {
        String[] p = code.split(":");
        if (p.length == 2 && !p[1].equals("0")) {
            return "killed by signal " + p[1];
        }
        return "exit code " + p[0];
    }

    static String lastLine(Path file) {
        try {
            if (!Files.exists(file)) {
                return null;
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty() && !l.startsWith("at ") && !l.startsWith("...")) {
                    return l.length() > 200 ? l.substring(0, 200) + "..." : l;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // no reason from the log then
        }
        return null;
    }
}
