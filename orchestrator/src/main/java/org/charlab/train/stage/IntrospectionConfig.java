package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.Inline;
import org.charlab.config.Setting;
import org.charlab.train.LossOn;
import org.charlab.train.TrainConfig;

/** Settings of the {@code introspection} stage (OCT stage 2). */
@Doc("Open Character Training's introspection (stage 2): the input model writes self-reflections and talks with "
        + "itself, the answers are filtered, then it is fine-tuned on them with NO system prompt (docs/training.md).")
public record IntrospectionConfig(
        @Setting(doc = "Self-reflection answers to generate: charworld's introspection prompts (train split: "
                + "describe yourself, your values, a diary entry, ...) asked in turn, one sampled answer each.",
                def = "200", min = 0, paper = "OCT self-reflection: 10 prompts x 1000 answers")
        int reflections,
        @Setting(doc = "Self-interaction conversations to generate: two instances of the model, each seeing the "
                + "other's replies as user turns, opened by an introspection prompt.", def = "50", min = 0,
                paper = "OCT self-interaction: 2000 conversations")
        int interactions,
        @Setting(doc = "Replies per self-interaction conversation, the two instances taking turns; the saved "
                + "conversation is the first instance's view (the opener, its replies as assistant turns, the "
                + "other's outputs as user turns) up to its last reply.", def = "5", min = 3,
                paper = "OCT uses 10 turns")
        int interactionTurns,
        @Setting(doc = "Keep the model's CoT in the saved answers (it wrote it). false keeps only the output, as "
                + "dpo's generated pairs do by default.", def = "true")
        boolean keepCot,
        @Setting(doc = "Sampling temperature of every answer.", def = "0.7", min = 0, paper = "OCT uses 0.7")
        double temperature,
        @Setting(doc = "Nucleus sampling.", def = "0.95", min = 0, max = 1, minExclusive = true,
                paper = "OCT uses top_p 0.95")
        double topP,
        @Setting(doc = "Most new tokens per answer; an answer that hits it is unfinished and dropped.", def = "200",
                min = 8)
        int maxNewTokens,
        @Setting(doc = "Drop an answer longer than this many tokens.", def = "1024", min = 1,
                paper = "OCT drops over-long transcripts")
        int maxReplyTokens,
        @Setting(doc = "Drop an answer whose output does not end in punctuation (. ! ? and the like).", def = "true")
        boolean requirePunctuation,
        @Setting(doc = "Which tokens the loss counts, by the chat formatter's segment labels (assistant: every "
                + "assistant turn of a self-interaction).", def = "assistant")
        LossOn lossOn,
        @Inline
        FinetuneSettings shared,
        @Inline(defaults = "learning_rate=" + SftConfig.DEFAULT_LR)
        TrainConfig train) implements FinetuneStage.Config {

    public IntrospectionConfig {
        if (shared != null && shared.families() != null) {
            throw new IllegalArgumentException("families: the introspection stage asks charworld's introspection "
                    + "prompts; families applies to sft, dpo, opd and grpo data");
        }
        if (reflections + interactions == 0) {
            throw new IllegalArgumentException("reflections and interactions are both 0: nothing to generate");
        }
    }
}
