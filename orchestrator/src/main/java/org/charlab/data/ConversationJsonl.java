package org.charlab.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Conversations for SFT and pretraining, one per line (docs/data-formats.md):
 * {@code {"messages": [...], "meta": {"family": "arithmetic", ...}}}. {@code meta} is optional
 * (string values, written in key order); other top-level fields are ignored, so TRL datasets with
 * extra columns load as they are. Every conversation needs at least one assistant message.
 */
public final class ConversationJsonl {

    /** One line: the conversation and its optional metadata. */
    public record Row(Conversation conversation, SortedMap<String, String> meta) {
        public Row {
            meta = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(meta));
        }

        public Row(Conversation conversation) {
            this(conversation, new TreeMap<>());
        }
    }

    private ConversationJsonl() {
    }

    public static List<Conversation> read(Path file) {
        return readRows(file).stream().map(Row::conversation).toList();
    }

    public static List<Row> readRows(Path file) {
        return Jsonl.read(file, ConversationJsonl::parse);
    }

    public static void write(Path file, List<Conversation> conversations) {
        writeRows(file, conversations.stream().map(Row::new).toList(), ThinkFormat.FIELD);
    }

    public static void writeRows(Path file, List<Row> rows, ThinkFormat format) {
        Jsonl.write(file, rows, r -> render(r, format));
    }

    static Row parse(ObjectNode o) {
        List<Message> messages = MessagesJson.parse(o.get("messages"), "messages");
        if (messages.stream().noneMatch(m -> m.role() == Role.ASSISTANT)) {
            throw new Jsonl.LineError("'messages' has no assistant message: nothing to train on");
        }
        SortedMap<String, String> meta = new TreeMap<>();
        JsonNode m = o.get("meta");
        if (m != null && !m.isNull()) {
            if (!m.isObject()) {
                throw new Jsonl.LineError("'meta' must be an object, found " + Jsonl.kind(m));
            }
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                if (e.getValue().isContainerNode()) {
                    throw new Jsonl.LineError("meta '" + e.getKey() + "' must be a string, found "
                            + Jsonl.kind(e.getValue()));
                }
                meta.put(e.getKey(), e.getValue().asText());
            }
        }
        return new Row(new Conversation(messages), meta);
    }

    static ObjectNode render(Row row, ThinkFormat format) {
        ObjectNode o = Jsonl.JSON.createObjectNode();
        o.set("messages", MessagesJson.write(row.conversation().messages(), format));
        if (!row.meta().isEmpty()) {
            ObjectNode meta = o.putObject("meta");
            row.meta().forEach(meta::put);
        }
        return o;
    }
}
