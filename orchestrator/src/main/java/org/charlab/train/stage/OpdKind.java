package org.charlab.train.stage;

import java.util.List;
import org.charlab.data.DataFile;
import java.util.Map;
import org.charlab.model.LoraShape;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.train.OpdLossType;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: opd}. Loading this class loads no engine class: only {@link #create()} does. */
public final class OpdKind extends AbstractStageKind<OpdConfig> {

    public OpdKind() {
        // resumable: who samples and the sampling seeds follow the micro-batch counter, which the
        // checkpoint restores (OpdTest.resumedRunSamplesAndEndsLikeTheUninterruptedOne), as grpo's
        super("opd",
                "On-policy distillation from a teacher stage or the privileged-context self (GKD, reverse KL), "
                        + "optionally inoculated",
                OpdConfig.class, 1, true);
    }

    /** The prompt file, when the prompts are not charworld's; with a privileged teacher every line needs an answer. */
    @Override
    public List<DataFile> dataFiles(OpdConfig c) {
        if (c.prompts() == null) {
            return List.of();
        }
        return List.of(c.privileged() != null ? DataFile.promptsWithAnswers(c.prompts()) : DataFile.prompts(c.prompts()));
    }

    /** The input's model, trained. */
    @Override
    public PlannedModel plannedModel(OpdConfig c, Map<String, PlannedModel> inputs) {
        return inputs.get("input");
    }

    @Override
    public MemoryEstimate memory(OpdConfig c, Map<String, PlannedModel> inputs) {
        return memory(c, inputs, StageMemory.loraShape(c.shared().lora()));
    }

    /**
     * Per micro-batch: sampling B completions (KV cache over prompt + max_new_tokens columns, bounded
     * by the row length), then the student's forward pass with gradients and the teacher's without on
     * the same rows; full_vocab adds the teacher's log-softmax, the mixture and the two divergence terms
     * over [B,T,V]. The teacher is a full copy (fp16 matrices with teacher_dtype fp16), except under
     * LoRA with no named teacher (the base weights with the adapter off) and for the current-weights
     * self-teacher (the policy itself).
     */
    static MemoryEstimate memory(OpdConfig c, Map<String, PlannedModel> inputs, LoraShape lora) {
        ModelConfig m = StageMemory.model(inputs, "input");
        if (m == null) {
            return null;
        }
        long teacher = (lora != null && c.teacher() == null) || c.selfTeacherIsCurrent() ? 0
                : MemoryArithmetic.frozenBytes(m, FrozenDtype.half(c.teacherDtype()));
        long rows = StageMemory.rows(m, c.train());
        long t = StageMemory.rowLength(m, c.train());
        long step = StageMemory.stepFloats(m, rows, t, 1, c.loss() == OpdLossType.FULL_VOCAB ? 4 : 0);
        long gen = Math.max(MemoryArithmetic.generationFloats(m, rows, t, c.maxNewTokens()),
                StageMemory.checkFloats(m, c.shared().evalPrompts(), c.shared().evalMaxNewTokens()));
        return StageMemory.training(m, lora, teacher, step, gen);
    }

    @Override
    public Stage<OpdConfig> create() {
        return new OpdStage();
    }
}
