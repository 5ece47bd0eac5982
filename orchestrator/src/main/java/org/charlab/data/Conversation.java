package org.charlab.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An ordered list of messages, the shape TRL users know as {@code messages}. */
public record Conversation(List<Message> messages) {

    public Conversation {
        messages = List.copyOf(messages);
    }

    public static Conversation of(Message... messages) {
        return new Conversation(List.of(messages));
    }

    /** The system prompt, if the first message is one. */
    public Optional<String> system() {
        return messages.isEmpty() || messages.get(0).role() != Role.SYSTEM
                ? Optional.empty() : Optional.of(messages.get(0).content());
    }

    /** This conversation with its system prompt replaced (null removes it). */
    public Conversation withSystem(String system) {
        List<Message> out = new ArrayList<>();
        if (system != null) {
            out.add(Message.system(system));
        }
        for (Message m : messages) {
            if (m.role() != Role.SYSTEM) {
                out.add(m);
            }
        }
        return new Conversation(out);
    }

    /** Everything before the last assistant message: the prompt a model completes. */
    public Conversation prompt() {
        int last = messages.size();
        if (last > 0 && messages.get(last - 1).role() == Role.ASSISTANT) {
            last--;
        }
        return new Conversation(messages.subList(0, last));
    }

    /** The final assistant message, if the conversation ends with one. */
    public Optional<Message> completion() {
        return messages.isEmpty() || messages.get(messages.size() - 1).role() != Role.ASSISTANT
                ? Optional.empty() : Optional.of(messages.get(messages.size() - 1));
    }
}
