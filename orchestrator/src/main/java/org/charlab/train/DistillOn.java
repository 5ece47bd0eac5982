package org.charlab.train;

import org.charlab.config.Doc;
import org.charlab.config.Labeled;

/** Which completion tokens on-policy distillation counts, by the chat formatter's segment labels. */
public enum DistillOn implements Labeled {
    @Doc("Only the visible output (after </think>).")
    OUTPUT("output"),
    @Doc("CoT and output text.")
    COT_OUTPUT("cot+output"),
    @Doc("Everything the assistant produced: CoT, output, think markers, <|im_end|>.")
    ASSISTANT("assistant");

    private final String label;

    DistillOn(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
