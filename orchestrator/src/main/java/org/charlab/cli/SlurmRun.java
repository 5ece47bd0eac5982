package org.charlab.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Map;
import org.charlab.config.SlurmConfig;
import org.charlab.exec.ConsoleProgress;
import org.charlab.exec.SweepJournal;
import org.charlab.exec.slurm.CancelPrompt;
import org.charlab.exec.slurm.JobScript;
import org.charlab.exec.slurm.Slurm;
import org.charlab.exec.slurm.SlurmExecutor;
import org.charlab.plan.Plan;
import org.charlab.results.RunStatus;
import org.charlab.results.SweepDir;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The Slurm half of {@code charlab run}, with the sweep laid out and locked: submit, then follow
 * the jobs (or detach). Ctrl-C while following asks whether to cancel the submitted jobs, default
 * no; it is a SIGINT handler rather than a shutdown hook because it has to read an answer.
 */
final class SlurmRun {

    private final PrintWriter out;
    private final Plan plan;
    private final SweepDir dir;
    private final SweepJournal journal;
    private final Map<String, Object> prov;
    private final SlurmExecutor executor;
    private final boolean detach;
    private volatile boolean interrupted;

    SlurmRun(PrintWriter out, Plan plan, SweepDir dir, SweepJournal journal, Map<String, Object> prov, Slurm slurm,
            SlurmConfig cfg, boolean detach) {
        this.out = out;
        this.plan = plan;
        this.dir = dir;
        this.journal = journal;
        this.prov = prov;
        this.detach = detach;
        String java = cfg.java().isEmpty() ? JobScript.thisJava() : cfg.java();
        this.executor = new SlurmExecutor(slurm, cfg, detach, java, JobScript.absoluteClasspath());
    }

    Integer call() throws InterruptedException {
        ConsoleProgress console = new ConsoleProgress(out, System.console() != null, plan.stages().size());
        console.line("sweep " + dir.dir() + " on Slurm");
        SignalHandler previous = detach ? null : onCtrlC();
        Map<String, RunStatus> finalStates;
        try {
            finalStates = executor.execute(plan, dir, journal, console);
        } finally {
            if (previous != null) {
                Signal.handle(new Signal("INT"), previous);
            }
        }
        String follow = "charlab status " + dir.dir();
        if (detach) {
            Collection<String> live = executor.liveTasks();
            RunCommand.writeEnd(dir, prov, "submitted, detached");
            journal.log("detached with " + live.size() + " tasks queued");
            out.println(live.isEmpty() ? "nothing to submit: every stage is finished"
                    : live.size() + " stage task(s) queued in Slurm (job arrays " + executor.arrays() + "); they run "
                    + "without this process.");
            out.println("follow:  " + follow);
            out.println("collect: run the same `charlab run` command again (it waits for queued jobs and resubmits "
                    + "what failed)");
            out.flush();
            return Main.EXIT_OK;
        }
        if (interrupted) {
            Collection<String> live = executor.liveTasks();
            RunCommand.writeEnd(dir, prov, "interrupted");
            journal.log("interrupted");
            out.println();
            out.println(live.isEmpty() ? "interrupted; the submitted jobs were cancelled: run the same command again to "
                    + "resume" : "interrupted; " + live.size() + " task(s) stay queued in Slurm " + live + ": follow with `"
                    + follow + "`, cancel with `scancel`, collect by running the same command again");
            out.flush();
            return 130;
        }
        long failed = finalStates.values().stream().filter(r -> r.state() != RunStatus.State.DONE).count();
        RunCommand.writeEnd(dir, prov, failed == 0 ? "finished" : "finished with failures");
        journal.log("end: " + (finalStates.size() - failed) + " runs done, " + failed + " not");
        StatusCommand.printRuns(out, finalStates.values());
        out.println((finalStates.size() - failed) + "/" + finalStates.size() + " runs finished; results in " + dir.dir());
        out.flush();
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_RUNS_FAILED;
    }

    /** Installs the Ctrl-C handler; returns the one it replaces. */
    private SignalHandler onCtrlC() {
        return Signal.handle(new Signal("INT"), sig -> {
            if (interrupted) {
                return;
            }
            interrupted = true;
            java.io.Console c = System.console();
            BufferedReader in = c == null ? null : new BufferedReader(c.reader());
            if (CancelPrompt.ask(in, out, executor.liveTasks().size())) {
                executor.cancelAll();
            }
            executor.interrupt();
        });
    }
}
