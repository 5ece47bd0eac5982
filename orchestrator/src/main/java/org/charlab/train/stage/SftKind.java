package org.charlab.train.stage;

import java.util.List;
import org.charlab.data.DataFile;
import java.util.Map;
import org.charlab.model.LoraShape;
import org.charlab.model.ModelConfig;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: sft}. Loading this class loads no engine class: only {@link #create()} does. */
public final class SftKind extends AbstractStageKind<SftConfig> {

    public SftKind() {
        super("sft",
                "Supervised fine-tuning on character data, optionally with an inoculation prompt",
                SftConfig.class, 1, true);
    }

    /** The conversations file, when the data is not charworld's. */
    @Override
    public List<DataFile> dataFiles(SftConfig c) {
        return c.data() == null ? List.of() : List.of(DataFile.conversations(c.data()));
    }

    /** The input's model, fine-tuned. */
    @Override
    public PlannedModel plannedModel(SftConfig c, Map<String, PlannedModel> inputs) {
        return inputs.get("input");
    }

    /** One model trained, no frozen copy; the closing check generates. */
    @Override
    public MemoryEstimate memory(SftConfig c, Map<String, PlannedModel> inputs) {
        return memory(c, inputs, StageMemory.loraShape(c.shared().lora()));
    }

    /** As {@link #memory(SftConfig, Map)} with a LoRA adapter of {@code lora}'s shape (null: full fine-tune). */
    static MemoryEstimate memory(SftConfig c, Map<String, PlannedModel> inputs, LoraShape lora) {
        ModelConfig m = StageMemory.model(inputs, "input");
        if (m == null) {
            return null;
        }
        return StageMemory.training(m, lora, 0,
                StageMemory.stepFloats(m, StageMemory.rows(m, c.train()), StageMemory.rowLength(m, c.train()), 0, 0),
                StageMemory.checkFloats(m, c.shared().evalPrompts(), c.shared().evalMaxNewTokens()));
    }

    @Override
    public Stage<SftConfig> create() {
        return new SftStage();
    }
}
