package org.charlab.exec;

import org.charlab.stage.Progress;
import org.charlab.stage.StageCatalog;

import java.nio.file.Path;
import org.charlab.plan.Plan;
import org.charlab.results.AtomicFiles;
import org.charlab.results.SweepDir;

/** Runs stages on a thread of this JVM: for tests of the scheduling logic, and for debugging. */
public final class InProcessLauncher implements StageLauncher {

    private final StageRunner runner;

    public InProcessLauncher(StageCatalog catalog) {
        this.runner = new StageRunner(catalog);
    }

    /** Lane threads are a process-wide setting: stages sharing this JVM run theirs on {@code threads}. */
    @Override
    public boolean launch(Plan plan, SweepDir dir, String key, int threads, int laneThreads, Progress progress, Path log) {
        try {
            runner.run(plan, dir.cache(), key, threads, progress);
            return true;
        } catch (Exception e) {
            AtomicFiles.appendLine(log, StageRunner.reason(e));
            return false;
        }
    }

    @Override
    public void stopAll() {
    }
}
