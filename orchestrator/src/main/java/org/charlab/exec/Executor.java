package org.charlab.exec;

import java.util.Map;
import org.charlab.plan.Plan;
import org.charlab.results.RunStatus;
import org.charlab.results.SweepDir;

/**
 * Runs the unfinished stages of a planned sweep whose directory is laid out (plan.json on disk).
 * Implementations: {@link LocalExecutor}; a Slurm executor submits the same stages as jobs.
 */
public interface Executor {

    /** @return the final state of every run, by run id */
    Map<String, RunStatus> execute(Plan plan, SweepDir dir, SweepJournal journal, ConsoleProgress console)
            throws InterruptedException;

    /** Called from the Ctrl-C handler: stop running stages, mark them interrupted. */
    void interrupt();
}
