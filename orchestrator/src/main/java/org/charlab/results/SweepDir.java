package org.charlab.results;

import java.nio.file.Path;

/**
 * The layout of one sweep's results:
 * <pre>
 * &lt;root&gt;/&lt;experiment&gt;/&lt;sweep-id&gt;/plan.json, provenance.json, sweep.log, sweep.lock
 * &lt;root&gt;/&lt;experiment&gt;/&lt;sweep-id&gt;/runs/&lt;run-id&gt;/config.resolved.yaml, overrides.yaml, status.json,
 *     stages/&lt;stage-name&gt; -&gt; link to the stage's output in the cache
 * &lt;root&gt;/.cache/stages/&lt;stage-key&gt;/   outputs shared across runs and sweeps
 * </pre>
 */
public record SweepDir(Path root, Path dir) {

    public static SweepDir of(Path resultsRoot, String experiment, String sweepId) {
        Path root = resultsRoot.toAbsolutePath().normalize();
        return new SweepDir(root, root.resolve(experiment).resolve(sweepId));
    }

    /** Opens an existing sweep directory; its results root is two levels up. */
    public static SweepDir open(Path sweepDir) {
        Path d = sweepDir.toAbsolutePath().normalize();
        return new SweepDir(d.getParent().getParent(), d);
    }

    public Path plan() {
        return dir.resolve("plan.json");
    }

    public Path provenance() {
        return dir.resolve("provenance.json");
    }

    public Path log() {
        return dir.resolve("sweep.log");
    }

    public Path lock() {
        return dir.resolve("sweep.lock");
    }

    public Path run(String runId) {
        return dir.resolve("runs").resolve(runId);
    }

    public Path runStatus(String runId) {
        return run(runId).resolve("status.json");
    }

    public StageCache cache() {
        return new StageCache(root.resolve(".cache").resolve("stages"));
    }
}
