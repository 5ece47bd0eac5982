package org.charlab.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code messages} array shared by all three JSONL formats:
 * {@code [{"role": "system"|"user"|"assistant", "content": "...", "reasoning": "..."}]}.
 *
 * <p>An assistant's chain of thought is either the {@code reasoning} field or a think block at
 * the very start of {@code content}: {@code <think>COT</think>OUTPUT}. When reading a block, one
 * newline right after {@code <think>}, one right before {@code </think>} and all newlines right
 * after {@code </think>} are dropped, so {@code "<think>\nCOT\n</think>\n\nOUTPUT"} and
 * {@code "<think>COT</think>OUTPUT"} read the same. Giving the CoT both ways is an error, as are
 * an unclosed block and a stray tag. A system message may only come first.
 */
final class MessagesJson {

    static final String OPEN = "<think>";
    static final String CLOSE = "</think>";

    private MessagesJson() {
    }

    static List<Message> parse(JsonNode node, String field) {
        if (node == null) {
            throw new Jsonl.LineError("missing field '" + field + "'");
        }
        if (!node.isArray()) {
            throw new Jsonl.LineError("'" + field + "' must be an array of messages, found " + Jsonl.kind(node));
        }
        if (node.isEmpty()) {
            throw new Jsonl.LineError("'" + field + "' is empty");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(parseOne(node.get(i), field + "[" + i + "]"));
            if (out.get(i).role() == Role.SYSTEM && i > 0) {
                throw new Jsonl.LineError(field + "[" + i + "]: a system message may only come first");
            }
        }
        return out;
    }

    static Message parseOne(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new Jsonl.LineError(where + " must be an object, found " + Jsonl.kind(node));
        }
        ObjectNode o = (ObjectNode) node;
        String w = where + ": ";
        Jsonl.onlyFields(o, List.of("role", "content", "reasoning"), w);
        String label = Jsonl.requiredString(o, "role", w);
        Role role;
        switch (label) {
            case "system" -> role = Role.SYSTEM;
            case "user" -> role = Role.USER;
            case "assistant" -> role = Role.ASSISTANT;
            default -> throw new Jsonl.LineError(w + "unknown role '" + label
                    + "' (allowed: system, user, assistant)");
        }
        String content = Jsonl.requiredString(o, "content", w);
        String reasoning = Jsonl.optionalString(o, "reasoning", w);
        if (role != Role.ASSISTANT) {
            if (reasoning != null) {
                throw new Jsonl.LineError(w + "only assistant messages may have 'reasoning'");
            }
            return new Message(role, content, null);
        }
        return assistant(content, reasoning, w);
    }

    /** An assistant message from its content, splitting off a leading think block. */
    static Message assistant(String content, String reasoning, String w) {
        int open = content.indexOf(OPEN);
        int close = content.indexOf(CLOSE);
        if (open < 0 && close < 0) {
            return Message.assistant(reasoning, content);
        }
        if (reasoning != null) {
            throw new Jsonl.LineError(w + "the chain of thought is given twice: as 'reasoning' and as a "
                    + "<think> block in 'content'; keep one");
        }
        if (open != 0) {
            throw new Jsonl.LineError(w + (open < 0 ? "'</think>' without '<think>'"
                    : "a <think> block must start the content"));
        }
        if (close < 0) {
            throw new Jsonl.LineError(w + "unclosed <think> block");
        }
        String cot = content.substring(OPEN.length(), close);
        String rest = content.substring(close + CLOSE.length());
        if (rest.contains(OPEN) || rest.contains(CLOSE)) {
            throw new Jsonl.LineError(w + "more than one <think> block");
        }
        if (cot.startsWith("\n")) {
            cot = cot.substring(1);
        }
        if (cot.endsWith("\n")) {
            cot = cot.substring(0, cot.length() - 1);
        }
        int skip = 0;
        while (skip < rest.length() && (rest.charAt(skip) == '\n' || rest.charAt(skip) == '\r')) {
            skip++;
        }
        return Message.assistant(cot, rest.substring(skip));
    }

    static ArrayNode write(List<Message> messages, ThinkFormat format) {
        ArrayNode arr = Jsonl.JSON.createArrayNode();
        for (Message m : messages) {
            ObjectNode o = arr.addObject();
            o.put("role", m.role().label());
            if (m.reasoning() != null && format == ThinkFormat.BLOCK) {
                o.put("content", OPEN + "\n" + m.reasoning() + "\n" + CLOSE + "\n\n" + m.content());
            } else {
                o.put("content", m.content());
                if (m.reasoning() != null) {
                    o.put("reasoning", m.reasoning());
                }
            }
        }
        return arr;
    }
}
