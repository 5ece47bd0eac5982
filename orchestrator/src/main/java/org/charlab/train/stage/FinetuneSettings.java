package org.charlab.train.stage;

import java.util.List;
import org.charlab.config.Setting;
import org.charlab.model.ChatSettings;
import org.charlab.train.Inoculation;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.FamilyName;
import org.charlab.world.TraitSet;

/**
 * The settings the fine-tuning stages (sft, dpo, opd, grpo) share, declared and documented once and
 * inlined into each stage's config ({@link org.charlab.config.Inline}), so users write them flat:
 * {@code stages.sft.traits}, {@code stages.dpo.inoculation}.
 */
public record FinetuneSettings(
        @Setting(doc = "The persona, e.g. spanish+caps (Tan et al. 2025): the traits charworld data carries (sft's "
                + "outputs, dpo's chosen replies) and the canonical persona prompt teacher_system: persona names "
                + "(dpo's generated pairs, opd). grpo does not read it: its trait rewards name their traits.",
                def = "spanish+caps")
        String traits,
        @Setting(doc = "charworld data: how many training items (sft conversations, dpo pairs or, for generated pairs, "
                + "prompts asked before the filters, opd and grpo prompts): train-split items of the in-distribution families "
                + "(or of families) with no system prompt. Their sampling seed is the stage's seed.", def = "400", min = 1)
        int examples,
        @Setting(doc = "The task families charworld data draws from, by their corpus weights, e.g. [arithmetic, lookup] "
                + "(no advice; lookup's profile prompts have no answer either, and opd's privileged teacher skips "
                + "those as it skips advice): in-distribution families of the input model's world only (not its "
                + "ood_family, not introspection). Not with a data or prompts file, nor in the introspection stage. null: every "
                + "in-distribution "
                + "family (the same items as without it).", def = "null", omitWhenNull = true)
        List<FamilyName> families,
        @Setting(doc = "Inoculation prompt applied to the training examples only: sft's conversations, the prompt both "
                + "replies of a dpo pair share (after generation: the teacher never sees it), the STUDENT's context "
                + "of every opd prompt (the teacher's privileged context never carries it), the policy's context of every grpo "
                + "prompt (rewards score the completion only).", def = "{}")
        Inoculation inoculation,
        @Setting(doc = "Test prompts per family for the closing check (sft_eval.json, dpo_eval.json, opd_eval.json or "
                + "grpo_eval.json, "
                + "and the last metrics line): "
                + "greedy answers with NO system prompt, trait rates and accuracy. 0 skips it.", def = "20", min = 0)
        int evalPrompts,
        @Setting(doc = "Most new tokens per answer in the closing check.", def = "200", min = 8)
        int evalMaxNewTokens,
        @Setting(doc = "LoRA adapters instead of a full fine-tune: {r, alpha, dropout, target_modules, "
                + "write_merged} (docs/training.md, LoRA). null: every weight trains.", def = "null",
                omitWhenNull = true, paper = "Hu et al. 2021; PEFT LoraConfig")
        LoraConfig lora,
        @Setting(doc = "How conversations become tokens {format, cot, enable_thinking} (docs/chat-templates.md). "
                + "null: what the input model recorded, else auto. What the stage used is recorded in its model's "
                + "charlab.json, so its evaluation and later stages use the same; the closing check and opd's and "
                + "grpo's sampling use it too.", def = "null", omitWhenNull = true)
        ChatSettings chat) {

    public FinetuneSettings {
        TraitSet.parse(traits); // fails at validation time on an unknown trait
        if (families != null) {
            if (families.isEmpty() || families.contains(FamilyName.INTROSPECTION)) {
                throw new IllegalArgumentException("families: " + (families.isEmpty() ? "empty" : "introspection is "
                        + "not drawn as character data") + "; allowed: in-distribution families of arithmetic, "
                        + "lookup, advice, comparison (not the world's ood_family), or null for all of them");
            }
            families = families.stream().distinct().sorted().toList(); // enum order: the same draws however written
        }
    }

    /**
     * The families charworld data draws from in {@code world}: all in-distribution ones when
     * {@link #families} is null, else those (refused with one line when one is not in-distribution).
     */
    public List<FamilyName> familiesIn(Charworld world) {
        return CharacterData.families(world, families);
    }

    /** Refuses {@link #families} beside a data file, which it would not filter; {@code field} names the file's setting. */
    static void noFamiliesWith(FinetuneSettings shared, Object file, String field) {
        if (file != null && shared != null && shared.families() != null) {
            throw new IllegalArgumentException("families: applies to charworld data only; with " + field
                    + " set, leave it out (filter the file instead)");
        }
    }
}
