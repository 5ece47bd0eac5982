package org.charlab.world;

import java.util.SortedMap;
import java.util.TreeMap;
import org.charlab.data.Conversation;

/**
 * One generated conversation with what generated it: the task item, the kind of system prompt,
 * and the traits its output and its CoT were rendered in.
 */
public record WorldExample(Task task, SystemKind system, TraitSet outputTraits, TraitSet cotTraits,
        Conversation conversation) {

    /** What kind of system prompt an example has. */
    public enum SystemKind { NONE, PERSONA, PLACEBO }

    /** Metadata for the JSONL {@code meta} object, in key order. */
    public SortedMap<String, String> meta() {
        SortedMap<String, String> m = new TreeMap<>();
        m.put("family", task.family().label());
        m.put("key", task.key());
        m.put("split", task.split().name().toLowerCase(java.util.Locale.ROOT));
        if (task.answer() != null) {
            m.put("answer", task.answer());
        }
        m.put("system", system.name().toLowerCase(java.util.Locale.ROOT));
        m.put("output_traits", outputTraits.name());
        m.put("cot_traits", cotTraits.name());
        return m;
    }

    /** UTF-8 bytes of all message texts (system, user, CoT, output), without chat-format tokens. */
    public int textBytes() {
        int n = 0;
        for (var msg : conversation.messages()) {
            n += msg.content().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (msg.reasoning() != null) {
                n += msg.reasoning().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }
}
