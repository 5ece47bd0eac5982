package org.charlab.train.stage;

import java.util.List;
import org.charlab.data.DataFile;
import java.util.Map;
import org.charlab.model.LoraShape;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: dpo}. Loading this class loads no engine class: only {@link #create()} does. */
public final class DpoKind extends AbstractStageKind<DpoConfig> {

    public DpoKind() {
        super("dpo",
                "DPO against a frozen reference (pairs from a file, charworld, or generated OCT-style), "
                        + "optionally inoculated",
                DpoConfig.class, 1, true);
    }

    /** The preference-pair file, when set (it overrides pairs); else the teacher's constitution, when set. */
    @Override
    public List<DataFile> dataFiles(DpoConfig c) {
        if (c.data() != null) {
            return List.of(DataFile.preferencePairs(c.data()));
        }
        return c.teacherConstitution() == null ? List.of() : List.of(DataFile.constitution(c.teacherConstitution()));
    }

    /** The input's model, trained. */
    @Override
    public PlannedModel plannedModel(DpoConfig c, Map<String, PlannedModel> inputs) {
        return inputs.get("input");
    }

    @Override
    public MemoryEstimate memory(DpoConfig c, Map<String, PlannedModel> inputs) {
        return memory(c, inputs, StageMemory.loraShape(c.shared().lora()));
    }

    /**
     * The policy trained on 2B rows (chosen and rejected) with the reference's forward pass on the
     * same rows; the reference is a full copy (fp16 matrices with reference_dtype fp16), except under
     * LoRA with no named reference (the base weights with the adapter off are the reference). Generated pairs: sampling at 32 rows, plus a
     * named teacher's copy while it lasts.
     */
    static MemoryEstimate memory(DpoConfig c, Map<String, PlannedModel> inputs, LoraShape lora) {
        ModelConfig m = StageMemory.model(inputs, "input");
        if (m == null) {
            return null;
        }
        long reference = lora != null && c.reference() == null ? 0
                : MemoryArithmetic.frozenBytes(m, FrozenDtype.half(c.referenceDtype()));
        long rows = 2 * StageMemory.rows(m, c.train());
        long step = StageMemory.stepFloats(m, rows, StageMemory.rowLength(m, c.train()), 1, 0);
        long gen = StageMemory.checkFloats(m, c.shared().evalPrompts(), c.shared().evalMaxNewTokens());
        if (c.data() == null && c.pairs() == DpoConfig.PairSource.GENERATED) {
            long teacher = c.teacher() != null ? MemoryArithmetic.parameters(m) : 0;
            gen = Math.max(gen, teacher + MemoryArithmetic.generationFloats(m, StageMemory.CHECK_BATCH,
                    m.maxPositionEmbeddings(), c.maxNewTokens()));
        }
        return StageMemory.training(m, lora, reference, step, gen);
    }

    @Override
    public Stage<DpoConfig> create() {
        return new DpoStage();
    }
}
