package org.charlab.exec.slurm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.charlab.results.SweepDir;

/**
 * Where Slurm's files go. Every job array's script and its tasks' stdout/stderr live once under
 * {@code <sweep>/slurm/} ({@code <job id>.sh}, {@code <job id>_<task>.out|.err}); each run's
 * directory links the files of its own stages as {@code runs/<run>/slurm/<stage>.sh|.out|.err}. A
 * stage shared by several runs has one script and one log, linked from each of them; a
 * resubmitted stage's links move to its newest attempt (older attempts stay under slurm/).
 */
public final class SlurmLayout {

    private SlurmLayout() {
    }

    public static Path jobs(SweepDir dir) {
        return dir.dir().resolve("slurm");
    }

    public static Path script(SweepDir dir, String jobId) {
        return jobs(dir).resolve(jobId + ".sh");
    }

    /** {@code taskId} is {@code <array job id>_<task>}. */
    public static Path out(SweepDir dir, String taskId) {
        return jobs(dir).resolve(taskId + ".out");
    }

    public static Path err(SweepDir dir, String taskId) {
        return jobs(dir).resolve(taskId + ".err");
    }

    /** Points runs/<run>/slurm/<stage>.sh|.out|.err at the stage's current task. */
    public static void link(SweepDir dir, String runId, String stage, String taskId) throws IOException {
        Path links = dir.run(runId).resolve("slurm");
        Files.createDirectories(links);
        String job = taskId.substring(0, taskId.indexOf('_'));
        relink(links.resolve(stage + ".sh"), script(dir, job));
        relink(links.resolve(stage + ".out"), out(dir, taskId));
        relink(links.resolve(stage + ".err"), err(dir, taskId));
    }

    private static void relink(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, link.getParent().relativize(target));
    }
}
