package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.FileRef;
import org.charlab.config.Inline;
import org.charlab.config.Setting;
import org.charlab.train.LossOn;
import org.charlab.train.TrainConfig;
import org.charlab.world.CharacterData;

/** Settings of the {@code sft} stage. */
@Doc("Supervised fine-tuning on character data (charworld or a JSONL file), optionally inoculated.")
public record SftConfig(
        @Setting(doc = "A conversations JSONL file to train on (docs/data-formats.md). null generates "
                + "charworld character data from traits, cot and examples.", def = "null")
        FileRef data,
        @Setting(doc = "charworld data: the CoT of the training answers.", def = "neutral")
        CharacterData.Cot cot,
        @Setting(doc = "Which tokens the loss counts, by the chat formatter's segment labels.", def = "assistant",
                paper = "TRL SFTConfig.assistant_only_loss / completion_only_loss")
        LossOn lossOn,
        @Inline
        FinetuneSettings shared,
        @Inline(defaults = "learning_rate=" + SftConfig.DEFAULT_LR)
        TrainConfig train) implements FinetuneStage.Config {

    public static final double DEFAULT_LR = 1e-4;

    public SftConfig {
        FinetuneSettings.noFamiliesWith(shared, data, "data");
    }
}
