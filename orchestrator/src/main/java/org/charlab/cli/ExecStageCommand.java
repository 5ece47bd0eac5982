package org.charlab.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.charlab.exec.ChildJvmLauncher;
import org.charlab.stage.Progress;
import org.charlab.exec.StageRunner;
import org.charlab.plan.Plan;
import org.charlab.results.SweepDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs one stage of a planned sweep in this JVM: what the local executor's child processes and
 * Slurm array tasks execute. Progress goes to stdout as {@code @progress DONE TOTAL NOTE} lines.
 */
@Command(name = "exec-stage", mixinStandardHelpOptions = true, hidden = true, description = "Run one stage of a planned sweep (used by executors).")
final class ExecStageCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP_DIR")
    Path sweepDir;

    @Parameters(index = "1", paramLabel = "STAGE_KEY")
    String key;

    @Option(names = "--threads", description = "Engine threads for this stage.")
    int threads = 1;

    @Option(names = "--parent-pid", description = "Exit when this process dies (the executor was killed).")
    long parentPid = -1;

    @Override
    public Integer call() throws Exception {
        if (parentPid > 0) {
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    h -> h.onExit().thenRun(() -> Runtime.getRuntime().halt(143)),
                    () -> Runtime.getRuntime().halt(143));
        }
        SweepDir dir = SweepDir.open(sweepDir);
        Plan plan = Plan.read(dir.plan());
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        Progress progress = new Progress() {
            @Override
            public synchronized void report(long done, long total, String note) {
                out.println(ChildJvmLauncher.PROGRESS + done + " " + total + " " + note.replace('\n', ' '));
            }

            @Override
            public synchronized void log(String line) {
                out.println(ChildJvmLauncher.LOG + line.replace('\n', ' '));
            }
        };
        try {
            new StageRunner(Catalogs.stages()).run(plan, dir.cache(), key, threads, progress);
            return Main.EXIT_OK;
        } catch (Exception e) {
            System.err.println("stage " + key + " failed: " + StageRunner.reason(e));
            e.printStackTrace();
            return Main.EXIT_RUNS_FAILED;
        }
    }
}
