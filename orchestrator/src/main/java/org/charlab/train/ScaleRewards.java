package org.charlab.train;

import org.charlab.config.Doc;
import org.charlab.config.Labeled;

/**
 * What the group-centred reward is divided by before it becomes the advantage ({@link GrpoLoss#advantages};
 * TRL GRPOConfig.scale_rewards spellings).
 */
public enum ScaleRewards implements Labeled {
    @Doc("The standard deviation of its group (Shao et al. 2024, outcome supervision).")
    GROUP,
    @Doc("The standard deviation of every reward of the micro-batch (TRL: of the generation batch).")
    BATCH,
    @Doc("Nothing: the advantage is the reward minus its group's mean (Dr. GRPO, Liu et al. 2025).")
    NONE;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
