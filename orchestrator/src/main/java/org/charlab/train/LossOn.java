package org.charlab.train;

import org.charlab.config.Doc;
import org.charlab.config.Labeled;

/**
 * Which tokens of a formatted conversation the next-token loss counts, by the chat formatter's
 * segment labels ({@link org.charlab.model.Segment}).
 */
public enum LossOn implements Labeled {
    @Doc("Only the visible output of assistant turns (the text after </think>).")
    OUTPUT("output"),
    @Doc("Only the chain of thought of assistant turns (the text inside <think>...</think>).")
    COT("cot"),
    @Doc("CoT and output text of assistant turns, not the chat markers.")
    COT_OUTPUT("cot+output"),
    @Doc("Everything an assistant produced: CoT, output, think markers and <|im_end|> (TRL's "
            + "completion-only / assistant-only loss).")
    ASSISTANT("assistant"),
    @Doc("Every token, prompts included (plain language modelling).")
    ALL("all");

    private final String label;

    LossOn(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
