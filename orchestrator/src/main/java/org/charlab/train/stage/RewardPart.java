package org.charlab.train.stage;

import org.charlab.config.Doc;

/** Which part of a completion a reward reads. */
public enum RewardPart {
    @Doc("The visible output (after </think>).")
    OUTPUT,
    @Doc("The chain of thought the model wrote.")
    COT,
    @Doc("Every sampled token (length only).")
    COMPLETION
}
