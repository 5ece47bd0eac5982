package org.charlab.train;

import org.charlab.config.Binder;
import org.charlab.config.Doc;
import org.charlab.config.Node;
import org.charlab.config.Setting;
import org.charlab.config.Source;

/**
 * The settings every training stage shares (pretrain, sft, dpo, opd, grpo), under TRL /
 * transformers {@code TrainingArguments} names. Embedded with {@code @Inline}, so users write them
 * flat: {@code stages.sft.learning_rate}. Read by {@link Trainer}.
 */
@Doc("The common training loop: AdamW, warmup + schedule, clipping, accumulation, checkpoints.")
public record TrainConfig(
        @Setting(doc = "Peak learning rate of AdamW. null takes the stage type's default (listed per stage "
                + "type; set for tiny from-scratch models, where real 1-8B models use ~1e-5 to 5e-5). Fine-tuning "
                + "a tiny model at a high rate garbles its words; sweep it as an axis.", def = "null",
                min = 0, minExclusive = true, paper = "TrainingArguments.learning_rate; OCT uses 5e-5")
        Double learningRate,
        @Setting(doc = "Schedule after warmup: constant, linear (to 0 at the last step) or cosine (to 0).",
                def = "linear", paper = "TrainingArguments.lr_scheduler_type")
        LrScheduler lrSchedulerType,
        @Setting(doc = "Share of the steps spent warming the rate up linearly from ~0 to its peak. "
                + "warmup_steps > 0 overrides it.", def = "0.0", min = 0, max = 1,
                paper = "TrainingArguments.warmup_ratio; OCT uses 0.1")
        double warmupRatio,
        @Setting(doc = "Warmup length in optimizer steps; 0 uses warmup_ratio.", def = "0", min = 0)
        int warmupSteps,
        @Setting(doc = "Optimizer steps to take; 0 trains num_train_epochs passes over the data instead. "
                + "With max_steps the data is cycled in fresh shuffles as often as needed.", def = "0", min = 0)
        int maxSteps,
        @Setting(doc = "Passes over the data when max_steps is 0 (fractions allowed).", def = "1.0", min = 0,
                minExclusive = true, paper = "TrainingArguments.num_train_epochs")
        double numTrainEpochs,
        @Setting(doc = "Sequences per micro-batch (per_device_train_batch_size). Ignored when batch_tokens > 0.",
                def = "16", min = 1)
        int batchSize,
        @Setting(doc = "When > 0, a micro-batch takes sequences in data order while rows x longest row stays "
                + "within this many tokens (at least one sequence), instead of batch_size sequences.",
                def = "0", min = 0)
        int batchTokens,
        @Setting(doc = "Put examples of similar length into the same micro-batch (sorted within runs of 50 "
                + "micro-batches of shuffled data, batches then shuffled): less padding, so faster steps; the "
                + "data order differs from plain shuffling.", def = "false",
                paper = "TrainingArguments.group_by_length")
        boolean groupByLength,
        @Setting(doc = "sft and pretrain: concatenate conversations (first-fit in data order, never split) into "
                + "rows of up to max_length tokens, so batches carry little padding. Each document attends only "
                + "to itself, its positions restart at 0 and no target crosses into the next, so a packed "
                + "micro-batch has the loss and gradients of its conversations batched unpacked. batch_size then "
                + "counts packed rows (fewer steps per epoch). dpo, opd and grpo refuse it.", def = "false",
                paper = "TRL SFTConfig.packing")
        boolean packing,
        @Setting(doc = "Micro-batches whose gradients are summed (each micro-batch's mean loss divided by "
                + "this) before one optimizer step.", def = "1", min = 1,
                paper = "TrainingArguments.gradient_accumulation_steps")
        int gradientAccumulationSteps,
        @Setting(doc = "Clip the global L2 norm of the gradient to this (Pascanu et al. 2013); 0 turns "
                + "clipping off.", def = "1.0", min = 0)
        double maxGradNorm,
        @Setting(doc = "Decoupled weight decay (Loshchilov & Hutter 2019) on matrices; norms, embeddings "
                + "and biases are never decayed.", def = "0.0", min = 0)
        double weightDecay,
        @Setting(doc = "AdamW beta1 (first-moment decay).", def = "0.9", min = 0, max = 1)
        double adamBeta1,
        @Setting(doc = "AdamW beta2 (second-moment decay); OCT uses 0.98.", def = "0.999", min = 0, max = 1)
        double adamBeta2,
        @Setting(doc = "AdamW epsilon.", def = "1e-8", min = 0, minExclusive = true)
        double adamEpsilon,
        @Setting(doc = "Save weights, optimizer state and the data cursor every this many steps, so an "
                + "interrupted stage resumes there (bit-identically); 0 never checkpoints.", def = "200", min = 0)
        int checkpointEvery,
        @Setting(doc = "Fail the stage as diverged when the gradient norm (before clipping) exceeds this; "
                + "0 turns the check off. A NaN or infinite loss or gradient always fails the stage.",
                def = "1000.0", min = 0)
        double gradNormCeiling,
        @Setting(doc = "Longest training sequence in tokens; longer conversations are cut at the end "
                + "(counted in data.json). Also capped by the model's max_position_embeddings.",
                def = "512", min = 8, paper = "TRL SFTConfig.max_length")
        int maxLength,
        @Setting(doc = "Write a metrics.jsonl line every this many steps (the last step always).", def = "1", min = 1)
        int logEvery) {

    /**
     * The learning rate to use: the configured one, or the stage type's default (its config's
     * {@code DEFAULT_LR}, which its {@code @Inline(defaults = ...)} declares to the reference).
     */
    public double lr(double stageDefault) {
        return learningRate != null ? learningRate : stageDefault;
    }

    /**
     * Defaults, as a stage with no training settings gets them (for tests and code): the
     * {@code @Setting} defaults above, bound as the loader binds a stage that sets none of them.
     */
    public static TrainConfig defaults() {
        return new Binder(type -> null).bind(TrainConfig.class, Node.MapNode.empty(Source.builtIn("defaults")), "");
    }

    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(lr, lrSchedulerType, warmupRatio, warmupSteps, maxSteps, numTrainEpochs, batchSize,
                batchTokens, groupByLength, packing, gradientAccumulationSteps, maxGradNorm, weightDecay, adamBeta1, adamBeta2, adamEpsilon,
                checkpointEvery, gradNormCeiling, maxLength, logEvery);
    }

    public TrainConfig withSteps(int steps, int batch) {
        return new TrainConfig(learningRate, lrSchedulerType, warmupRatio, warmupSteps, steps, numTrainEpochs, batch,
                batchTokens, groupByLength, packing, gradientAccumulationSteps, maxGradNorm, weightDecay, adamBeta1, adamBeta2, adamEpsilon,
                checkpointEvery, gradNormCeiling, maxLength, logEvery);
    }

    public TrainConfig withCheckpointEvery(int every) {
        return new TrainConfig(learningRate, lrSchedulerType, warmupRatio, warmupSteps, maxSteps, numTrainEpochs,
                batchSize, batchTokens, groupByLength, packing, gradientAccumulationSteps, maxGradNorm, weightDecay, adamBeta1, adamBeta2,
                adamEpsilon, every, gradNormCeiling, maxLength, logEvery);
    }

    public TrainConfig withAccumulation(int accum, int batchTokens) {
        return new TrainConfig(learningRate, lrSchedulerType, warmupRatio, warmupSteps, maxSteps, numTrainEpochs,
                batchSize, batchTokens, groupByLength, packing, accum, maxGradNorm, weightDecay, adamBeta1, adamBeta2, adamEpsilon,
                checkpointEvery, gradNormCeiling, maxLength, logEvery);
    }

    public TrainConfig withPacking(boolean pack) {
        return new TrainConfig(learningRate, lrSchedulerType, warmupRatio, warmupSteps, maxSteps, numTrainEpochs,
                batchSize, batchTokens, groupByLength, pack, gradientAccumulationSteps, maxGradNorm, weightDecay,
                adamBeta1, adamBeta2, adamEpsilon, checkpointEvery, gradNormCeiling, maxLength, logEvery);
    }

    public TrainConfig withGradNormCeiling(double ceiling) {
        return new TrainConfig(learningRate, lrSchedulerType, warmupRatio, warmupSteps, maxSteps, numTrainEpochs,
                batchSize, batchTokens, groupByLength, packing, gradientAccumulationSteps, maxGradNorm, weightDecay, adamBeta1, adamBeta2,
                adamEpsilon, checkpointEvery, ceiling, maxLength, logEvery);
    }
}
