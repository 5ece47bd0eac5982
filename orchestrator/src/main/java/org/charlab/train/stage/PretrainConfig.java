package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.Inline;
import org.charlab.config.Setting;
import org.charlab.train.LossOn;
import org.charlab.train.TrainConfig;
import org.charlab.world.WorldConfig;

/** Settings of the {@code pretrain} stage. */
@Doc("Pretrains a base model from scratch on a charworld corpus and measures it.")
public record PretrainConfig(
        @Setting(doc = "The decoder's shape (fragments under configs/model/).", def = "{}")
        ModelShape model,
        @Setting(doc = "The charworld corpus: size, family mixture, persona share, CoT style (configs/world/). "
                + "Its `examples` sets the corpus size; one epoch by default.", def = "{}")
        WorldConfig world,
        @Setting(doc = "Which tokens the loss counts. assistant: what the assistant says (CoT, output, "
                + "markers); all: plain language modelling including prompts.", def = "assistant")
        LossOn lossOn,
        @Setting(doc = "Test prompts per family for the closing evaluation (pretrain_eval.json): greedy "
                + "answers without a system prompt (accuracy, trait rates), and per trait under its persona "
                + "prompt (half as many per family). 0 skips it.", def = "50", min = 0)
        int evalPrompts,
        @Setting(doc = "Most new tokens per answer in the closing evaluation.", def = "200", min = 8)
        int evalMaxNewTokens,
        @Inline(defaults = "learning_rate=" + PretrainConfig.DEFAULT_LR)
        TrainConfig train) {

    /** The learning rate when learning_rate is not set. */
    public static final double DEFAULT_LR = 3e-3;
}
