package org.charlab.stage;

import java.nio.file.Path;
import java.util.Map;
import org.charlab.config.RuntimeConfig;

/**
 * Everything a stage gets. {@code inputs} maps a role to the output directory of another stage:
 * {@code "input"} is the stage this one continues from (absent for a first stage); a config field
 * that names another stage (a DPO reference, an OPD teacher) appears under that field's name.
 */
public record StageContext<C extends Record>(
        String stageName,
        C config,
        Path outputDir,
        Map<String, Path> inputs,
        long seed,
        RuntimeConfig runtime,
        Progress progress) {

    public StageContext {
        inputs = Map.copyOf(inputs);
    }

    /** The output directory of the stage in {@code role}, or a clear error naming what is missing. */
    public Path input(String role) {
        Path p = inputs.get(role);
        if (p == null) {
            throw new IllegalStateException("stage '" + stageName + "' has no '" + role + "' input; it has "
                    + inputs.keySet());
        }
        return p;
    }
}
