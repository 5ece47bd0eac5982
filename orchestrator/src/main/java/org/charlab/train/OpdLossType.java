package org.charlab.train;

import org.charlab.config.Doc;
import org.charlab.config.Labeled;

/** The per-token loss of on-policy distillation ({@link DistillLoss}). */
public enum OpdLossType implements Labeled {
    @Doc("Generalized JSD over the full vocabulary with beta (1: reverse KL, 0: forward KL): GKD, Agarwal et al. 2023.")
    FULL_VOCAB("full_vocab"),
    @Doc("Reverse KL on the sampled token only, as a per-token advantage -(log p_student - log p_teacher) "
            + "(Thinking Machines' on-policy distillation).")
    SAMPLED_TOKEN("sampled_token");

    private final String label;

    OpdLossType(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
