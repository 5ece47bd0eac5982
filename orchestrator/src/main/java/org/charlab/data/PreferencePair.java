package org.charlab.data;

import java.util.Objects;

/**
 * One DPO example: a prompt (system and user turns) and two assistant replies, the preferred
 * ({@code chosen}) and the dispreferred ({@code rejected}); each reply may carry a CoT.
 */
public record PreferencePair(Conversation prompt, Message chosen, Message rejected) {

    public PreferencePair {
        Objects.requireNonNull(prompt, "prompt");
        if (chosen.role() != Role.ASSISTANT || rejected.role() != Role.ASSISTANT) {
            throw new IllegalArgumentException("chosen and rejected must be assistant messages");
        }
    }

    /** The prompt followed by the chosen reply. */
    public Conversation chosenConversation() {
        return append(chosen);
    }

    /** The prompt followed by the rejected reply. */
    public Conversation rejectedConversation() {
        return append(rejected);
    }

    private Conversation append(Message m) {
        var list = new java.util.ArrayList<>(prompt.messages());
        list.add(m);
        return new Conversation(list);
    }
}
