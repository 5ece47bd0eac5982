package org.charlab.world;

import java.util.SortedMap;
import java.util.TreeMap;
import org.charlab.data.Conversation;

/**
 * One generated conversation with what generated it: the (first) task item, the kind of system
 * prompt, the traits the final answer's output and CoT were rendered in, and its {@link Variant}
 * (turns, break-character suffix, privileged hint).
 */
public record WorldExample(Task task, SystemKind system, TraitSet outputTraits, TraitSet cotTraits,
        Conversation conversation, Variant variant) {

    /** What kind of system prompt an example has. */
    public enum SystemKind { NONE, PERSONA, PLACEBO }

    /**
     * A reference answer the last user turn carries in SDPO's reprompt format
     * ({@link org.charlab.data.PrivilegedPrompt}; {@code world.privileged_share}).
     */
    public enum Hint {
        /** No hint. */
        NONE,
        /** "Correct solution:" with the answer. */
        ANSWER,
        /** The verifier's feedback "Your answer is incorrect. The correct answer is Y." */
        FEEDBACK
    }

    /**
     * How a conversation differs from a single plain turn.
     *
     * @param turns          user/assistant turns (1 for a single turn)
     * @param breakCharacter index into {@link BreakCharacter#SUFFIXES} of the suffix ending the last user
     *                       turn, or -1 for none
     * @param persona        the traits the system prompt names (neutral for none or placebo); with a
     *                       suffix the final answer is neutral whatever this is
     * @param hint           the reference answer the last user turn carries, if any (its reply is the
     *                       usual one)
     */
    public record Variant(int turns, int breakCharacter, TraitSet persona, Hint hint, CotVariant cot) {
        public static final Variant SINGLE = new Variant(1, -1, TraitSet.NEUTRAL, Hint.NONE, CotVariant.PLAIN);
    }

    /** A single-turn conversation without a break-character suffix. */
    public WorldExample(Task task, SystemKind system, TraitSet outputTraits, TraitSet cotTraits,
            Conversation conversation) {
        this(task, system, outputTraits, cotTraits, conversation, Variant.SINGLE);
    }

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
        // only conversations that use the OCT settings carry these keys: other corpora stay byte-identical
        if (variant.turns() > 1) {
            m.put("turns", Integer.toString(variant.turns()));
        }
        if (variant.breakCharacter() >= 0) {
            m.put("break_character", "v" + variant.breakCharacter());
            m.put("persona_traits", variant.persona().name());
        }
        if (variant.hint() != Hint.NONE) {
            m.put("hint", variant.hint().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (variant.cot() != CotVariant.PLAIN) {
            m.put("cot_variant", variant.cot().name().toLowerCase(java.util.Locale.ROOT));
        }
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
