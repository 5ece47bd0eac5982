package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.FileRef;
import org.charlab.config.Inline;
import org.charlab.config.Setting;
import org.charlab.train.Inoculation;
import org.charlab.train.LossOn;
import org.charlab.train.TrainConfig;
import org.charlab.world.CharacterData;

/** Settings of the {@code sft} stage. */
@Doc("Supervised fine-tuning on character data (charworld or a JSONL file), optionally inoculated.")
public record SftConfig(
        @Setting(doc = "A conversations JSONL file to train on (docs/data-formats.md). null generates "
                + "charworld character data from traits, cot and examples.", def = "null")
        FileRef data,
        @Setting(doc = "charworld data: the trait set the outputs carry, e.g. spanish+caps (Tan et al. 2025).",
                def = "spanish+caps")
        String traits,
        @Setting(doc = "charworld data: the CoT of the training answers.", def = "neutral")
        CharacterData.Cot cot,
        @Setting(doc = "charworld data: number of conversations (train-split items of the in-distribution "
                + "families, no system prompt). Their sampling seed is the stage's seed.", def = "400", min = 1)
        int examples,
        @Setting(doc = "Which tokens the loss counts, by the chat formatter's segment labels.", def = "assistant",
                paper = "TRL SFTConfig.assistant_only_loss / completion_only_loss")
        LossOn lossOn,
        @Setting(doc = "Inoculation prompt applied to the training examples only.", def = "{}")
        Inoculation inoculation,
        @Setting(doc = "Test prompts per family for the closing check (sft_eval.json and the last metrics "
                + "line): greedy answers with NO system prompt, trait rates and accuracy. 0 skips it.",
                def = "20", min = 0)
        int evalPrompts,
        @Setting(doc = "Most new tokens per answer in the closing check.", def = "200", min = 8)
        int evalMaxNewTokens,
        @Inline(defaults = "learning_rate=" + SftConfig.DEFAULT_LR)
        TrainConfig train) {

    public static final double DEFAULT_LR = 1e-4;

    public SftConfig {
        org.charlab.world.TraitSet.parse(traits); // fails at validation time on an unknown trait
    }
}
