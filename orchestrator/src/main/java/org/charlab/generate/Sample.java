package org.charlab.generate;

/**
 * One generated assistant turn.
 *
 * @param cot chain of thought (prefill included); null when the turn has no think block
 * @param output visible output (prefill included); empty if generation never closed the CoT
 * @param tokens the generated ids (prefill excluded; a final stop token included)
 * @param promptTokens prompt length in tokens (prefill included)
 * @param newTokens generated tokens, the stop token included
 * @param stopReason STOP when {@code <|im_end|>} or end-of-text was produced, LENGTH at max_new_tokens
 * @param thinkClosed whether the CoT was closed with {@code </think>}
 * @param thinkCloses number of {@code </think>} markers (more than one is malformed)
 */
public record Sample(String cot, String output, int[] tokens, int promptTokens, int newTokens, StopReason stopReason,
        boolean thinkClosed, int thinkCloses) {

    public enum StopReason { STOP, LENGTH }

    public boolean doubledThinkClose() {
        return thinkCloses > 1;
    }
}
