package org.charlab.train.stage;

import java.util.Map;
import org.charlab.model.LoraShape;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.train.TrainConfig;

/**
 * The memory estimates of the training stages (pretrain, sft, dpo, opd), built from
 * {@link MemoryArithmetic}: weights, gradients and AdamW's two fp32 moments per trainable
 * parameter, frozen copies (fp32, or fp16 matrices), one micro-batch's activations and the
 * closing check's or sampling's generation. A micro-batch is taken at its largest: batch_size
 * rows (or batch_tokens tokens) of max_length tokens, capped by the model's context.
 */
final class StageMemory {

    /** Rows decoded together by the closing check (QuickEval) and generated DPO pairs. */
    static final int CHECK_BATCH = 32;

    private StageMemory() {
    }

    /** The adapter shape a stage's {@code lora} settings train, or null for a full fine-tune. */
    static LoraShape loraShape(LoraConfig lora) {
        return lora == null ? null : new LoraShape(lora.r(), lora.targets());
    }

    static PlannedModel planned(ModelConfig c) {
        return new PlannedModel(c.toPlain());
    }

    /** The model of input {@code role}, or null when planning does not know it. */
    static ModelConfig model(Map<String, PlannedModel> inputs, String role) {
        PlannedModel p = inputs.get(role);
        return p == null ? null : ModelConfig.fromPlain(p.configJson());
    }

    /** Tokens per training row: max_length within the model's context. */
    static long rowLength(ModelConfig c, TrainConfig t) {
        return Math.min(t.maxLength(), c.maxPositionEmbeddings());
    }

    /** Rows of the largest micro-batch: batch_size, or as many max-length rows as batch_tokens holds. */
    static long rows(ModelConfig c, TrainConfig t) {
        return t.batchTokens() > 0 ? Math.max(1, t.batchTokens() / rowLength(c, t)) : t.batchSize();
    }

    /**
     * Activations of one training step on {@code rows} rows of {@code t} tokens: the trained model's
     * forward pass, loss and backward, plus {@code frozenPasses} forward passes of a frozen model on
     * the same rows (their arrays live in the step's manager too) and {@code extraLogits} more
     * [B,T,V] arrays of the objective (e.g. a distillation loss over the vocabulary).
     */
    static long stepFloats(ModelConfig c, long rows, long t, int frozenPasses, int extraLogits) {
        return (1 + frozenPasses) * (MemoryArithmetic.forwardFloats(c, rows, t) + MemoryArithmetic.lossFloats(c, rows, t))
                + MemoryArithmetic.backwardFloats(c, rows, t) + extraLogits * rows * t * c.vocabSize();
    }

    /** The closing check's generation: greedy answers in batches of 32 up to the model's context; 0 when off. */
    static long checkFloats(ModelConfig c, int evalPrompts, int maxNewTokens) {
        return evalPrompts == 0 ? 0 : MemoryArithmetic.generationFloats(c, CHECK_BATCH, c.maxPositionEmbeddings(),
                maxNewTokens);
    }

    /**
     * The estimate of a training stage.
     *
     * @param lora null for a full fine-tune
     * @param frozenBytes copies of the weights held beside the trained model, in bytes
     *     ({@link MemoryArithmetic#frozenBytes}; 0 for none)
     * @param stepFloats one training step's activations ({@link #stepFloats})
     * @param generationFloats the stage's largest generation, or 0
     */
    static MemoryEstimate training(ModelConfig c, LoraShape lora, long frozenBytes, long stepFloats,
            long generationFloats) {
        long fp32 = MemoryArithmetic.FP32;
        long params = MemoryArithmetic.parameters(c);
        long trainable = MemoryArithmetic.trainable(c, lora);
        long adapters = lora == null ? 0 : trainable;
        return new MemoryEstimate(params, trainable, (params + adapters) * fp32, trainable * fp32,
                2 * trainable * fp32, frozenBytes, stepFloats * fp32, generationFloats * fp32,
                MemoryArithmetic.RUNTIME_BYTES);
    }
}
