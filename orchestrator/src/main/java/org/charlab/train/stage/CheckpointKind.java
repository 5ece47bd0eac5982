package org.charlab.train.stage;

import java.util.List;
import org.charlab.data.DataFile;
import org.charlab.model.ModelConfig;
import java.util.Map;
import org.charlab.model.MemoryArithmetic;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: checkpoint}. Loading this class loads no engine class: only {@link #create()} does. */
public final class CheckpointKind extends AbstractStageKind<CheckpointConfig> {

    public CheckpointKind() {
        super("checkpoint",
                "Starts a chain from a user-supplied Hugging Face model directory",
                CheckpointConfig.class, 1, false);
    }

    /**
     * The directory's config.json, read as transformers reads it ({@link ModelConfig#read}): an
     * unsupported model_type, RoPE type, activation or bias is refused by validate, plan and run,
     * before any stage starts. ModelConfig is plain Jackson, so planning still loads no engine class.
     */
    @Override
    public List<DataFile> dataFiles(CheckpointConfig c) {
        return List.of(new DataFile(c.path().path().resolve("config.json"), "model config",
                p -> List.of(ModelConfig.read(p))));
    }

    /** The directory's config.json, as {@link #dataFiles} validates it. */
    @Override
    public PlannedModel plannedModel(CheckpointConfig c, Map<String, PlannedModel> inputs) {
        return StageMemory.planned(ModelConfig.read(c.path().path().resolve("config.json")));
    }

    /** Loads the weights once to check them, trains and generates nothing. */
    @Override
    public MemoryEstimate memory(CheckpointConfig c, Map<String, PlannedModel> inputs) {
        ModelConfig m = ModelConfig.read(c.path().path().resolve("config.json"));
        long p = MemoryArithmetic.parameters(m);
        return new MemoryEstimate(p, 0, p * MemoryArithmetic.FP32, 0, 0, 0, 0, 0, MemoryArithmetic.RUNTIME_BYTES);
    }

    @Override
    public Stage<CheckpointConfig> create() {
        return new CheckpointStage();
    }
}
