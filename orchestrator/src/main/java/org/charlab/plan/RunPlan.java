package org.charlab.plan;

import java.util.List;
import java.util.Map;

/**
 * One run of a sweep: an arm at one grid point and one seed. {@code stages} lists the run's chain
 * in order as (stage name, stage key); {@code overrides} are the dotted-path overrides that made
 * this run from the experiment file; {@code config} is its whole resolved config.
 */
public record RunPlan(
        String id,
        String arm,
        long seed,
        Map<String, Object> axes,
        Map<String, Object> overrides,
        List<Step> stages,
        Map<String, Object> config) {

    /** A stage of this run's chain. */
    public record Step(String name, String key) {
    }

    public String keyOf(String stageName) {
        return stages.stream().filter(s -> s.name().equals(stageName)).map(Step::key).findFirst().orElse(null);
    }
}
