package org.charlab.eval;

import java.util.List;
import org.charlab.data.DataFile;
import java.util.Map;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.stage.Stage;
import org.charlab.world.Charworld;

/** The {@code eval} stage type. Loading it never loads the engine; only {@link #create()} does. */
public final class EvalStageKind extends AbstractStageKind<EvalConfig> {

    public EvalStageKind() {
        super("eval",
                "generate CoT + output under named conditions from the input checkpoint; score traits (CoT vs "
                        + "output), accuracy, legibility; write samples.jsonl and metrics.json with intervals",
                EvalConfig.class, 1, false);
    }

    /** The prompt file, when the prompts are not charworld's test sets. */
    @Override
    public List<DataFile> dataFiles(EvalConfig c) {
        return c.prompts().file() == null ? List.of() : List.of(DataFile.prompts(c.prompts().file()));
    }

    /**
     * The input's weights and sampling: batch_size rows with a KV cache of the longest prompt plus
     * max_new_tokens columns (within the model's context) and that prompt's prefill; no training. The
     * prompt's length is {@link EvalPrompts#tokenBound}, a bound from its text: a real model's context
     * (Qwen3: 40,960) would otherwise price attention over prompts no eval renders. A prefill attack's
     * model ({@link Condition#prefillModel}) is loaded and closed before the input is, so the stage's
     * peak is the larger of the two models' peaks: the estimate of the one with the larger peak (the
     * input's prompts then include turn 1 and the follow-up).
     */
    @Override
    public MemoryEstimate memory(EvalConfig c, Map<String, PlannedModel> inputs) {
        PlannedModel in = inputs.get("input");
        if (in == null) {
            return null;
        }
        List<org.charlab.data.PromptItem> prompts = EvalPrompts.of(c, new Charworld(c.world()));
        MemoryEstimate best = sampling(c, in, EvalPrompts.tokenBound(c, prompts));
        for (Condition cond : c.evaluated()) {
            String role = c.prefillRole(cond);
            if (role == null) {
                continue;
            }
            PlannedModel other = inputs.get(role);
            if (other == null) {
                return null;
            }
            MemoryEstimate e = sampling(c, other, EvalPrompts.firstTurnBound(c, prompts));
            if (e.peak() > best.peak()) {
                best = e;
            }
        }
        return best;
    }

    /** One model's weights and its sampling of prompts up to {@code promptTokens} tokens. */
    private static MemoryEstimate sampling(EvalConfig c, PlannedModel model, long promptTokens) {
        ModelConfig m = ModelConfig.fromPlain(model.configJson());
        long p = MemoryArithmetic.parameters(m);
        int maxNew = c.sampling().maxNewTokens();
        long columns = Math.min(m.maxPositionEmbeddings(), promptTokens + maxNew);
        long gen = MemoryArithmetic.generationFloats(m, c.batchSize(), columns, maxNew);
        return new MemoryEstimate(p, 0, p * MemoryArithmetic.FP32, 0, 0, 0, 0, gen * MemoryArithmetic.FP32,
                MemoryArithmetic.RUNTIME_BYTES);
    }

    @Override
    public Stage<EvalConfig> create() {
        return new EvalStage();
    }
}
