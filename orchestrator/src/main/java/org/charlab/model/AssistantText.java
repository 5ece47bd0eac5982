package org.charlab.model;

/**
 * An assistant turn's text split into chain of thought and output.
 *
 * @param cot the text inside {@code <think>...</think>}; null when the turn has no think block
 * @param output the visible answer (empty when generation never left the think block)
 * @param thinkClosed whether a {@code </think>} was found (false for an unfinished CoT; true when there is no think block)
 * @param thinkCloses how many {@code </think>} markers the turn contains; more than one is a malformed CoT
 */
public record AssistantText(String cot, String output, boolean thinkClosed, int thinkCloses) {

    /** More than one {@code </think>}: the split used the last one. */
    public boolean doubledThinkClose() {
        return thinkCloses > 1;
    }
}
