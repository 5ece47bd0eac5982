package org.charlab.train.stage;

import java.util.Map;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.stage.Stage;

/** {@code type: introspection}. Loading this class loads no engine class: only {@link #create()} does. */
public final class IntrospectionKind extends AbstractStageKind<IntrospectionConfig> {

    public IntrospectionKind() {
        super("introspection",
                "OCT stage 2: the input model's self-reflections and self-interactions, filtered, then SFT on them "
                        + "without a system prompt",
                IntrospectionConfig.class, 1, true);
    }

    /** The input's model, fine-tuned. */
    @Override
    public PlannedModel plannedModel(IntrospectionConfig c, Map<String, PlannedModel> inputs) {
        return inputs.get("input");
    }

    /** One model trained, no frozen copy; sampling at the check batch with the model's full context. */
    @Override
    public MemoryEstimate memory(IntrospectionConfig c, Map<String, PlannedModel> inputs) {
        ModelConfig m = StageMemory.model(inputs, "input");
        if (m == null) {
            return null;
        }
        long gen = Math.max(StageMemory.checkFloats(m, c.shared().evalPrompts(), c.shared().evalMaxNewTokens()),
                MemoryArithmetic.generationFloats(m, StageMemory.CHECK_BATCH, m.maxPositionEmbeddings(),
                        c.maxNewTokens()));
        return StageMemory.training(m, StageMemory.loraShape(c.shared().lora()), 0,
                StageMemory.stepFloats(m, StageMemory.rows(m, c.train()), StageMemory.rowLength(m, c.train()), 0, 0),
                gen);
    }

    @Override
    public Stage<IntrospectionConfig> create() {
        return new IntrospectionStage();
    }
}
