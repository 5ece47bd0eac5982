package org.charlab.data;

import java.util.Objects;

/**
 * One chat message. For assistant messages {@code reasoning} holds the chain of thought (the text
 * inside {@code <think>...</think>}) and {@code content} the visible output; {@code reasoning} is
 * null when the message has no CoT block at all (which differs from an empty one).
 */
public record Message(Role role, String content, String reasoning) {

    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (reasoning != null && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry reasoning");
        }
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content, null);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content, null);
    }

    public static Message assistant(String reasoning, String content) {
        return new Message(Role.ASSISTANT, content, reasoning);
    }
}
