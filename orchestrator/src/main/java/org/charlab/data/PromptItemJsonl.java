package org.charlab.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Evaluation prompt sets, one item per line:
 * {@code {"id": "arithmetic:add:12+7", "messages": [...], "answer": "19", "family": "arithmetic"}}.
 * {@code answer} (a string or a number) and {@code family} are optional; ids must be unique in the
 * file; {@code messages} must hold a user turn. Other top-level fields are ignored.
 */
public final class PromptItemJsonl {

    private PromptItemJsonl() {
    }

    public static List<PromptItem> read(Path file) {
        Set<String> seen = new HashSet<>();
        return Jsonl.read(file, o -> {
            PromptItem item = parse(o);
            if (!seen.add(item.id())) {
                throw new Jsonl.LineError("duplicate id '" + item.id() + "'");
            }
            return item;
        });
    }

    /**
     * As {@link #read}, and every line must carry an {@code answer}: opd's privileged teacher (answer,
     * feedback) reads it. A line without one is refused at its line number.
     */
    public static List<PromptItem> readWithAnswers(Path file) {
        Set<String> seen = new HashSet<>();
        return Jsonl.read(file, o -> {
            PromptItem item = parse(o);
            if (!seen.add(item.id())) {
                throw new Jsonl.LineError("duplicate id '" + item.id() + "'");
            }
            if (item.answer() == null || item.answer().isBlank()) {
                throw new Jsonl.LineError("prompt '" + item.id() + "' has no 'answer': opd privileged: answer or "
                        + "feedback needs the reference answer on every line");
            }
            return item;
        });
    }

    public static void write(Path file, List<PromptItem> items) {
        Jsonl.write(file, items, PromptItemJsonl::render);
    }

    static PromptItem parse(ObjectNode o) {
        String id = Jsonl.requiredString(o, "id", "");
        if (id.isBlank()) {
            throw new Jsonl.LineError("'id' is blank");
        }
        List<Message> messages = MessagesJson.parse(o.get("messages"), "messages");
        if (messages.stream().noneMatch(m -> m.role() == Role.USER)) {
            throw new Jsonl.LineError("'messages' has no user message");
        }
        JsonNode a = o.get("answer");
        String answer;
        if (a == null || a.isNull()) {
            answer = null;
        } else if (a.isTextual() || a.isNumber()) {
            answer = a.asText();
        } else {
            throw new Jsonl.LineError("'answer' must be a string or a number, found " + Jsonl.kind(a));
        }
        String family = Jsonl.optionalString(o, "family", "");
        return new PromptItem(id, new Conversation(messages), answer, family);
    }

    static ObjectNode render(PromptItem p) {
        ObjectNode o = Jsonl.JSON.createObjectNode();
        o.put("id", p.id());
        o.set("messages", MessagesJson.write(p.messages().messages(), ThinkFormat.FIELD));
        if (p.answer() != null) {
            o.put("answer", p.answer());
        }
        if (p.family() != null) {
            o.put("family", p.family());
        }
        return o;
    }
}
