package org.charlab.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * Preference pairs for DPO, one per line, in TRL's conversational shape:
 * {@code {"prompt": [messages], "chosen": [{"role": "assistant", ...}], "rejected": [...]}}.
 * TRL's standard shape is read too: {@code "prompt"} a string (one user turn) and
 * {@code "chosen"}/{@code "rejected"} strings (assistant content, a leading think block allowed).
 * The prompt must not end with an assistant turn; chosen and rejected hold exactly one assistant
 * message. Other top-level fields are ignored. Written always in the conversational shape.
 */
public final class PreferencePairJsonl {

    private PreferencePairJsonl() {
    }

    public static List<PreferencePair> read(Path file) {
        return Jsonl.read(file, PreferencePairJsonl::parse);
    }

    public static void write(Path file, List<PreferencePair> pairs) {
        write(file, pairs, ThinkFormat.FIELD);
    }

    public static void write(Path file, List<PreferencePair> pairs, ThinkFormat format) {
        Jsonl.write(file, pairs, p -> render(p, format));
    }

    static PreferencePair parse(ObjectNode o) {
        JsonNode p = Jsonl.required(o, "prompt", "");
        List<Message> prompt = p.isTextual() ? List.of(Message.user(p.asText())) : MessagesJson.parse(p, "prompt");
        if (prompt.get(prompt.size() - 1).role() == Role.ASSISTANT) {
            throw new Jsonl.LineError("'prompt' ends with an assistant message; the reply belongs in "
                    + "'chosen' and 'rejected'");
        }
        return new PreferencePair(new Conversation(prompt), reply(o, "chosen"), reply(o, "rejected"));
    }

    private static Message reply(ObjectNode o, String field) {
        JsonNode n = Jsonl.required(o, field, "");
        if (n.isTextual()) {
            return MessagesJson.assistant(n.asText(), null, field + ": ");
        }
        List<Message> ms = MessagesJson.parse(n, field);
        if (ms.size() != 1 || ms.get(0).role() != Role.ASSISTANT) {
            throw new Jsonl.LineError("'" + field + "' must hold exactly one assistant message");
        }
        return ms.get(0);
    }

    static ObjectNode render(PreferencePair p, ThinkFormat format) {
        ObjectNode o = Jsonl.JSON.createObjectNode();
        o.set("prompt", MessagesJson.write(p.prompt().messages(), format));
        o.set("chosen", MessagesJson.write(List.of(p.chosen()), format));
        o.set("rejected", MessagesJson.write(List.of(p.rejected()), format));
        return o;
    }
}
