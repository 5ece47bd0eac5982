package org.charlab.plan;

import java.util.Map;
import org.charlab.stage.MemoryEstimate;

/**
 * One unique stage of a sweep, identified by its key. Runs that share a stage (the same base
 * model) share one StagePlan. {@code config} and {@code runtime} are the resolved settings as plain
 * maps, exactly what the stage will be built from; {@code deps} maps a role ("input", "reference",
 * ...) to the key of the stage that provides it; {@code files} maps each data file the stage reads
 * to its SHA-256; {@code code} is the fingerprint of the code that computes it
 * ({@link CodeFingerprint}); {@code recompute} is the nonce that {@code --recompute} gave it, else null;
 * {@code memory} is its kind's estimate of its peak memory (not part of the key), null when unknown.
 */
public record StagePlan(
        String key,
        String name,
        String type,
        int kindVersion,
        long seed,
        Map<String, String> deps,
        Map<String, Object> config,
        Map<String, Object> runtime,
        Map<String, String> files,
        String code,
        String recompute,
        MemoryEstimate memory) {

    public StagePlan {
        deps = Map.copyOf(deps);
        files = Map.copyOf(files);
    }
}
