package org.charlab.exec;

import org.charlab.stage.Progress;

import java.nio.file.Path;
import org.charlab.plan.Plan;
import org.charlab.results.SweepDir;

/** Runs one stage of a plan somewhere (a child JVM, this JVM) and waits for it. */
public interface StageLauncher {

    /**
     * @param threads     the stage's intra-op threads (its share of the cores; fixed for the sweep)
     * @param laneThreads how many lane threads the stage may run (>= threads: more when it starts alone;
     *                    changes speed, never results - org.charlab.model.Lanes)
     * @param progress    receives the stage's progress reports as they come
     * @param log      file that receives the stage's output
     * @return true if the stage finished, false if it failed (the reason is in the cache's failure file)
     */
    boolean launch(Plan plan, SweepDir dir, String key, int threads, int laneThreads, Progress progress, Path log) throws InterruptedException;

    /** Stops whatever is running (Ctrl-C); running stages stay partial and restart next time. */
    void stopAll();
}
