package org.charlab.data;

import java.util.Objects;

/**
 * One evaluation prompt: a stable {@code id} (unique within its set), the {@code messages} a model
 * completes, the ground-truth {@code answer} (null where there is none, e.g. advice), and the
 * task {@code family} (null if unknown) that accuracy is reported by.
 */
public record PromptItem(String id, Conversation messages, String answer, String family) {

    public PromptItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(messages, "messages");
    }
}
