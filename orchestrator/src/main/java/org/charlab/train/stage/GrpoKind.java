package org.charlab.train.stage;

import java.util.List;
import java.util.Map;
import org.charlab.data.DataFile;
import org.charlab.model.LoraShape;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.stage.Stage;

/** {@code type: grpo}. Loading this class loads no engine class: only {@link #create()} does. */
public final class GrpoKind extends AbstractStageKind<GrpoConfig> {

    public GrpoKind() {
        super("grpo",
                "GRPO: group-sampled completions scored by rewards (correctness, format, length, trait, judge), "
                        + "clipped policy-ratio objective with an optional KL to the starting weights, optionally "
                        + "inoculated",
                GrpoConfig.class, 1, true);
    }

    /** The prompt file, when the prompts are not charworld's. */
    @Override
    public List<DataFile> dataFiles(GrpoConfig c) {
        return c.prompts() == null ? List.of() : List.of(DataFile.prompts(c.prompts()));
    }

    /** The input's model, trained. */
    @Override
    public PlannedModel plannedModel(GrpoConfig c, Map<String, PlannedModel> inputs) {
        return inputs.get("input");
    }

    @Override
    public MemoryEstimate memory(GrpoConfig c, Map<String, PlannedModel> inputs) {
        return memory(c, inputs, StageMemory.loraShape(c.shared().lora()));
    }

    /**
     * Per micro-batch: sampling batch_size x num_generations completions (KV cache over prompt +
     * max_completion_length columns, bounded by the row length), then the policy's forward pass with
     * gradients over those rows and, with beta &gt; 0, the reference's without. The reference is a
     * full copy (fp16 matrices with reference_dtype fp16), except under LoRA (the base weights with
     * the adapter off) and with beta 0 (none).
     */
    static MemoryEstimate memory(GrpoConfig c, Map<String, PlannedModel> inputs, LoraShape lora) {
        ModelConfig m = StageMemory.model(inputs, "input");
        if (m == null) {
            return null;
        }
        boolean reference = c.beta() != 0;
        long frozen = !reference || lora != null ? 0
                : MemoryArithmetic.frozenBytes(m, FrozenDtype.half(c.referenceDtype()));
        long rows = StageMemory.rows(m, c.train()) * c.numGenerations();
        long t = StageMemory.rowLength(m, c.train());
        long step = StageMemory.stepFloats(m, rows, t, reference ? 1 : 0, 0);
        long gen = Math.max(MemoryArithmetic.generationFloats(m, rows, t, c.maxCompletionLength()),
                StageMemory.checkFloats(m, c.shared().evalPrompts(), c.shared().evalMaxNewTokens()));
        return StageMemory.training(m, lora, frozen, step, gen);
    }

    @Override
    public Stage<GrpoConfig> create() {
        return new GrpoStage();
    }
}
