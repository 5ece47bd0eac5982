package org.charlab.train;

import org.charlab.config.Doc;
import org.charlab.config.Labeled;

/**
 * How {@link GrpoLoss} turns per-token terms into one loss (TRL GRPOConfig.loss_type spellings). Each
 * sums the masked per-token terms l_{i,t} of the N = prompts x num_generations completions and
 * differs only in the divisor.
 */
public enum GrpoLossType implements Labeled {
    @Doc("Mean over completions of each completion's token mean, (1/N) sum_i (1/|o_i|) sum_t l_{i,t}: "
            + "Shao et al. 2024 (DeepSeekMath) eq. 3. Biased by length: a short right answer weighs more per token.")
    GRPO,
    @Doc("Token mean over the micro-batch, sum_{i,t} l_{i,t} / sum_i |o_i| (TRL's bnpo; DAPO's token-level "
            + "mean, Yu et al. 2025 eq. 8, over one micro-batch).")
    BNPO,
    @Doc("Dr. GRPO (Liu et al. 2025): sum_{i,t} l_{i,t} / (N * max_completion_length), a constant divisor, "
            + "so no length bias; use with scale_rewards none as the paper does.")
    DR_GRPO;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
