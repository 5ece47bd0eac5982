package org.charlab.train;

import org.charlab.config.Doc;
import org.charlab.config.Labeled;

/**
 * Which tokens count, by the chat formatter's segment labels ({@link org.charlab.model.Segment}):
 * the one setting {@code loss_on} of every training stage. pretrain and sft: the tokens the
 * next-token loss counts; dpo: the tokens of the last reply its sequence log-probability sums;
 * opd: the tokens of each sampled completion it distills. dpo and opd refuse {@link #ALL}.
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
