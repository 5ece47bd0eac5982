package org.charlab.stage;

import java.util.Map;

/**
 * The model a stage's output will hold, as planning knows it: the Hugging Face config.json it will
 * carry, as a plain map. Stage kinds produce and read it ({@link StageKind#plannedModel},
 * {@link StageKind#memory}); the planner only hands it from a stage to the stages that use it.
 */
public record PlannedModel(Map<String, Object> configJson) {

    public PlannedModel {
        configJson = Map.copyOf(configJson);
    }
}
