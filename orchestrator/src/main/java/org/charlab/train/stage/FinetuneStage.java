package org.charlab.train.stage;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.charlab.stage.Stage;
import org.charlab.stage.StageContext;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatFormats;
import org.charlab.model.ChatSettings;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.Engines;
import org.charlab.model.LoraAdapters;
import org.charlab.model.TokenizerIdentity;
import org.charlab.train.TrainConfig;
import org.charlab.train.Trainer;
import org.charlab.world.Charworld;
import org.charlab.world.WorldConfig;

/**
 * The outline every fine-tuning stage (sft, dpo, opd, grpo) follows; a stage fills in only its data and
 * objective ({@link #recipe}). In order: the device; the world the input model knows (charworld's
 * defaults when it records none); the starting weights (the input's model, or the checkpoint an
 * interrupted attempt left); the chat format (the stage's {@code chat}, else what the input recorded,
 * {@link ChatFormats#effective}; recorded again in the output's charlab.json); the frozen second model, if the stage has one (dpo's and grpo's reference, opd's
 * teacher), checked to share the input's world, vocabulary and tokenizer; the stage's data and
 * objective, which write {@code data.json} and {@code train_sample.jsonl}; training, saving and
 * provenance ({@link TrainingRun}); with {@code lora}, adapters on the input's weights, whose
 * frozen second model (when it is the input again) is the same weights with the adapters off (a
 * loaded copy may store its matrices in fp16, {@link FrozenDtype}); the closing check
 * ({@code <stage>_eval.json}: greedy answers with no system prompt, {@link QuickEval}); deleting
 * the training checkpoint.
 *
 * @param <C> the stage's config
 * @param <R> the objective's training row
 */
abstract class FinetuneStage<C extends Record & FinetuneStage.Config, R> implements Stage<C> {

    /** What the outline reads from a fine-tuning stage's config. */
    interface Config {
        FinetuneSettings shared();

        TrainConfig train();
    }

    /**
     * A frozen model loaded beside the trained one.
     *
     * @param role its role, the stage input it comes from when {@code named}, and its name in errors
     * @param named true: the stage input {@code role}; false: the trained model's input loaded again
     * @param dtype how a loaded copy stores its matrices; null: fp32
     */
    record Frozen(String role, boolean named, FrozenDtype dtype) {
    }

    /**
     * What {@link #recipe} builds on.
     *
     * @param world the charworld the input model knows (training prompts, the closing check)
     * @param policy the weights being trained, loaded from the starting point
     * @param frozen the frozen second model, or null for a stage without one
     * @param maxLength the longest training row: the config's max_length within the model's context
     */
    record Inputs(Charworld world, Checkpoint.Loaded policy, Checkpoint.Loaded frozen, ChatFormat chat,
            int maxLength) {
    }

    private final String name;
    private final String evalFile;

    /**
     * @param name the stage type, written to the provenance and the log
     * @param evalFile the closing check's file in the stage's output
     */
    FinetuneStage(String name, String evalFile) {
        this.name = name;
        this.evalFile = evalFile;
    }

    /** The frozen second model, or null for none. */
    abstract Frozen frozen(C c);

    /** True when the data is charworld's (the trained model then knows charworld's default world). */
    abstract boolean charworldData(C c);

    /**
     * The stage's data and objective: builds the training rows, writes {@code data.json} and
     * {@code train_sample.jsonl}, and applies the inoculation prompt (its only place in the stage).
     */
    abstract TrainingRun.Recipe<R> recipe(StageContext<C> ctx, Inputs in) throws Exception;

    @Override
    public final void run(StageContext<C> ctx) throws Exception {
        C c = ctx.config();
        Path out = ctx.outputDir();
        Path input = ctx.input("input");
        Device device = Engines.configure(ctx.runtime(), 1, ctx.seed());
        WorldConfig inputWorld = StageFiles.readWorld(input);
        Charworld world = new Charworld(inputWorld != null ? inputWorld : WorldConfig.defaults());

        LoraConfig lora = c.shared().lora();
        Path inputModel = input.resolve(StageFiles.MODEL);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            // weights first (the trained model, then the frozen one), then the trainer; LoRA: the
            // input's weights with fresh adapters, or those an interrupted attempt left
            Checkpoint.Loaded policy = Checkpoint.load(lora != null ? inputModel
                    : Trainer.startingWeights(out, inputModel), manager);
            if (lora != null) {
                LoraAdapters adapters = LoraAdapters.attach(policy.model(), lora.r(), lora.alpha(), lora.dropout(),
                        lora.targets(), ctx.seed());
                Path resume = Trainer.resumeDir(out);
                if (resume != null) {
                    adapters.load(resume.resolve(Trainer.ADAPTER));
                }
            }
            // the chat format: the stage's, else the input's recorded one; recorded again in the output
            ChatSettings used = ChatFormats.effective(inputModel, c.shared().chat());
            ChatFormat chat = ChatFormats.forModel(inputModel, policy.tokenizer(), used);
            ChatSettings resolved = ChatFormats.resolved(chat, used);
            ctx.progress().log(String.format(java.util.Locale.ROOT, "%s: training %d of %d parameters%s", name,
                    policy.model().trainableCount(), policy.model().parameters().values().stream()
                            .mapToLong(a -> a.size()).sum(), lora != null ? " (LoRA r=" + lora.r() + " on "
                            + String.join(",", lora.targets()) + ")" : ""));
            Frozen f = frozen(c);
            Checkpoint.Loaded frozen = null;
            boolean sharedFrozen = false;
            if (f != null && lora != null && !f.named()) {
                // the same weights with the adapters switched off: no second copy of the base
                frozen = new Checkpoint.Loaded(policy.model().withoutAdapters(), policy.tokenizer(),
                        policy.provenance());
                sharedFrozen = true;
                if (FrozenDtype.half(f.dtype())) {
                    ctx.progress().log(name + ": the " + f.role() + " is the policy's own base (LoRA): "
                            + f.role() + "_dtype fp16 stores no copy");
                }
            } else if (f != null) {
                Path dir = f.named() ? ctx.input(f.role()) : input;
                StageFiles.requireSameWorld(f.role(), input, inputWorld, dir);
                if (f.named()) {
                    requireSameChat(f.role(), dir, resolved);
                }
                frozen = Checkpoint.load(dir.resolve(StageFiles.MODEL), manager);
                requireSameTokens(f.role(), input, policy, dir, frozen);
                if (FrozenDtype.half(f.dtype())) {
                    frozen = halfPrecision(frozen, manager);
                }
            }
            int maxLength = Math.min(c.train().maxLength(), policy.model().config().maxPositionEmbeddings());

            TrainingRun.Recipe<R> recipe = recipe(ctx, new Inputs(world, policy, frozen, chat, maxLength));
            Trainer.Result r = TrainingRun.trainAndSave(ctx, name, c.train(), recipe, policy.model(),
                    policy.tokenizer(), StageFiles.trainedWorld(inputWorld, charworldData(c)),
                    ChatFormats.record(chat, used), lora == null ? null : new TrainingRun.Lora(lora, inputModel));
            if (frozen != null && !sharedFrozen) {
                frozen.close();
            }
            if (recipe.objective() instanceof AutoCloseable resources) {
                resources.close(); // grpo's judge client
            }

            QuickEval.closingCheck(out, evalFile, policy.model(), chat, world, c.shared().evalPrompts(),
                    c.shared().evalMaxNewTokens(), r.steps(), ctx.progress());
            Trainer.finish(out);
            policy.close();
        }
    }

    /** {@code loaded} with its matrices stored in fp16 ({@link Decoder#frozenCopy}); the fp32 weights are released. */
    private static Checkpoint.Loaded halfPrecision(Checkpoint.Loaded loaded, NDManager manager) {
        Decoder half = loaded.model().frozenCopy(manager, DataType.FLOAT16);
        loaded.model().close();
        return new Checkpoint.Loaded(half, loaded.tokenizer(), loaded.provenance());
    }

    /**
     * Refuses a second model ({@code role}, from stage input {@code otherInput}) whose vocabulary or
     * tokenizer differs from the trained model's: their token ids must mean the same text.
     */
    static void requireSameTokens(String role, Path input, Checkpoint.Loaded policy, Path otherInput,
            Checkpoint.Loaded other) {
        sameVocabulary(policy.model(), other.model(), role);
        TokenizerIdentity.requireSame(role, input.resolve(StageFiles.MODEL), policy.tokenizer(),
                otherInput.resolve(StageFiles.MODEL), other.tokenizer());
    }

    /**
     * Refuses (one line) a named second model (reference, teacher) that recorded another chat format
     * or CoT placement than the trained model uses: it is given the trained model's renderings.
     */
    static void requireSameChat(String role, Path otherInput, ChatSettings used) {
        try {
            ChatFormats.effective(otherInput.resolve(StageFiles.MODEL), used);
        } catch (org.charlab.BadInput e) {
            throw new org.charlab.BadInput("the " + role + " renders conversations otherwise than the trained model: "
                    + e.getMessage());
        }
    }

    static void sameVocabulary(Decoder a, Decoder b, String what) {
        if (a.config().vocabSize() != b.config().vocabSize()) {
            throw new IllegalArgumentException(what + " has a vocabulary of " + b.config().vocabSize()
                    + " tokens, the student " + a.config().vocabSize() + ": they must share a tokenizer");
        }
    }
}
