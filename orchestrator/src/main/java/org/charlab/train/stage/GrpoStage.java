package org.charlab.train.stage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Conversation;
import org.charlab.data.PromptItem;
import org.charlab.data.PromptItemJsonl;
import org.charlab.model.ChatFormat;
import org.charlab.stage.StageContext;
import org.charlab.train.GrpoLoss;
import org.charlab.train.GrpoObjective;
import org.charlab.train.Inoculation;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldExample;

/**
 * GRPO of the input stage's model, in the {@link FinetuneStage} outline: the data are prompts with
 * their answers, the objective {@link GrpoObjective} with the rewards of {@link GrpoRewards}. With
 * beta &gt; 0 the reference is the input's model loaded again and frozen (LoRA: the same weights
 * with the adapters off); with beta 0 none is loaded. The inoculation prompt goes into the policy's
 * context, in one place ({@link #trainingPrompts}); rewards score the completion only, so they
 * never read it. The saved model, its provenance and the closing check ({@code grpo_eval.json},
 * greedy, no system prompt) never see it.
 */
public final class GrpoStage extends FinetuneStage<GrpoConfig, GrpoObjective.Prompt> {

    static final String TRAIN_SAMPLE = "train_sample.jsonl";
    static final String EVAL = "grpo_eval.json";

    public GrpoStage() {
        super("grpo", EVAL);
    }

    @Override
    Frozen frozen(GrpoConfig c) {
        return c.beta() == 0 ? null : new Frozen("reference", false, c.referenceDtype());
    }

    @Override
    boolean charworldData(GrpoConfig c) {
        return c.prompts() == null;
    }

    @Override
    TrainingRun.Recipe<GrpoObjective.Prompt> recipe(StageContext<GrpoConfig> ctx, Inputs in) throws Exception {
        GrpoConfig c = ctx.config();
        Path out = ctx.outputDir();
        List<PromptItem> base = prompts(c, in.world(), ctx.seed());
        List<GrpoObjective.Prompt> train = trainingPrompts(base, c.shared().inoculation(), in.chat(), ctx.seed());
        List<PromptItem> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(5, train.size()); i++) {
            PromptItem p = base.get(i);
            sample.add(new PromptItem(p.id(), train.get(i).conversation(), p.answer(), p.family()));
        }
        PromptItemJsonl.write(out.resolve(TRAIN_SAMPLE), sample);
        List<Conversation> plain = base.stream().map(PromptItem::messages).toList();
        String dataSha256 = StageFiles.sha256(plain);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", c.prompts() != null ? c.prompts().toString() : "charworld train-split prompts");
        data.put("prompts", base.size());
        data.put("with_answer", base.stream().filter(p -> p.answer() != null).count());
        data.put("data_sha256", dataSha256);
        data.put("train_sha256", StageFiles.sha256(train.stream().map(GrpoObjective.Prompt::conversation).toList()));
        data.put("rewards", ConfigWriter.toPlain(c.rewards()));
        data.put("reward_names", GrpoRewards.names(c.rewards()));
        data.put("reference", c.beta() == 0 ? null : c.shared().lora() != null ? "the input's weights, adapters off"
                : "the input's weights, frozen");
        data.put("inoculation", ConfigWriter.toPlain(c.shared().inoculation()));
        StageFiles.writeJson(out.resolve(StageFiles.DATA), data);

        GrpoRewards rewards = GrpoRewards.of(c, in.world(), in.chat().tokenizer(), out, ctx.progress());
        GrpoObjective objective = new GrpoObjective(in.frozen() == null ? null : in.frozen().model(), in.chat(),
                rewards, settings(c, ctx.seed()));
        return new TrainingRun.Recipe<>(train, objective, c.train().lr(GrpoConfig.DEFAULT_LR), dataSha256,
                () -> String.format(Locale.ROOT, " (%d generations of %d completions per prompt)",
                        objective.generations(), c.numGenerations()));
    }

    /** The objective's settings from the stage's. */
    static GrpoObjective.Settings settings(GrpoConfig c, long seed) {
        return new GrpoObjective.Settings(c.numGenerations(), c.temperature(), c.maxCompletionLength(),
                new GrpoLoss.Settings(c.lossType(), c.epsilon(), c.epsilonUpper(), c.beta(), c.maxCompletionLength()),
                c.scaleRewards(), c.numIterations(), c.train().gradientAccumulationSteps(), seed);
    }

    /**
     * The prompts before any system prompt: the user's file, or charworld train-split prompts of the
     * in-distribution families (or the {@code families} setting's) with their answers (advice has none).
     */
    static List<PromptItem> prompts(GrpoConfig c, Charworld world, long seed) {
        if (c.prompts() != null) {
            return PromptItemJsonl.read(c.prompts().path());
        }
        List<PromptItem> out = new ArrayList<>();
        int i = 0;
        for (WorldExample e : CharacterData.sft(world, TraitSet.NEUTRAL, CharacterData.Cot.NEUTRAL,
                c.shared().examples(), seed, c.shared().familiesIn(world))) {
            out.add(new PromptItem("train-" + i++, e.conversation().prompt(), e.task().answer(),
                    e.task().family().label()));
        }
        return out;
    }

    /** The one place the inoculation prompt is applied: to the policy's context of every prompt. */
    public static List<GrpoObjective.Prompt> trainingPrompts(List<PromptItem> base, Inoculation inoculation,
            ChatFormat chat, long seed) {
        List<Conversation> inoculated = inoculation.applyEach(base.stream().map(PromptItem::messages).toList(), seed);
        List<GrpoObjective.Prompt> out = new ArrayList<>(base.size());
        for (int i = 0; i < base.size(); i++) {
            Conversation s = inoculated.get(i);
            out.add(new GrpoObjective.Prompt(s, base.get(i).answer(),
                    chat.prompt(s, ChatFormat.Prefill.none()).length()));
        }
        return out;
    }
}
