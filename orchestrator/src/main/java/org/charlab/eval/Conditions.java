package org.charlab.eval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.data.AdversarialSuffixes;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.Role;

/** How a condition changes a prompt, and the seed of each sample. Engine-free. */
public final class Conditions {

    private Conditions() {
    }

    /**
     * The conditions one entry of {@code conditions:} stands for: itself, or with {@code suffixes} one
     * condition per suffix of the set, named {@code <name>-v<i>} (i from 0, OCT's variant numbers), each
     * with that suffix as its user suffix and the set's name kept in {@code suffixes} (which decides the
     * separator in {@link #apply}); every other field as the entry has it.
     */
    public static List<Condition> expand(Condition entry) {
        if (entry.suffixes() == null) {
            return List.of(entry);
        }
        AdversarialSuffixes.Set set = AdversarialSuffixes.named(entry.suffixes());
        List<Condition> out = new ArrayList<>();
        for (int i = 0; i < set.suffixes().size(); i++) {
            out.add(new Condition(memberName(entry.name(), i), entry.system(), set.suffixes().get(i), entry.cotPrefill(),
                    entry.suffixes(), entry.prefillModel(), entry.followUp()));
        }
        return out;
    }

    /** The name of suffix {@code i}'s condition of an entry named {@code pool}: "adv-v3". */
    public static String memberName(String pool, int i) {
        return pool + "-v" + i;
    }

    /** Every condition evaluated, entries expanded ({@link #expand}), in config order. */
    public static List<Condition> expandAll(List<Condition> entries) {
        List<Condition> out = new ArrayList<>();
        entries.forEach(e -> out.addAll(expand(e)));
        return out;
    }

    /**
     * The pooled views: for each entry with {@code suffixes}, its name -> the names of its conditions,
     * in order. Metrics of a pool are computed over the rows of all its conditions together.
     */
    public static Map<String, List<String>> pools(List<Condition> entries) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Condition e : entries) {
            if (e.suffixes() != null) {
                out.put(e.name(), expand(e).stream().map(Condition::name).toList());
            }
        }
        return out;
    }

    /**
     * The conversation the model completes under {@code c}: the system prompt replaced when the
     * condition sets one (kept as the prompt set has it otherwise), and the suffix appended to the
     * last user turn - after one space, or for a member of a suffix set ({@link #expand}) after the
     * set's separator (OCT: a newline). The CoT prefill is not part of the conversation: the
     * generator renders it into the assistant turn. Never modifies {@code prompt}.
     */
    public static Conversation apply(Condition c, Conversation prompt) {
        Conversation out = c.system() == null ? prompt : prompt.withSystem(c.system());
        if (c.userSuffix() == null || c.userSuffix().isEmpty()) {
            return out;
        }
        String separator = c.suffixes() == null ? " " : AdversarialSuffixes.named(c.suffixes()).separator();
        List<Message> msgs = new ArrayList<>(out.messages());
        for (int i = msgs.size() - 1; i >= 0; i--) {
            if (msgs.get(i).role() == Role.USER) {
                msgs.set(i, Message.user(msgs.get(i).content() + separator + c.userSuffix()));
                return new Conversation(msgs);
            }
        }
        throw new IllegalArgumentException("prompt has no user turn to append the suffix of condition '" + c.name() + "' to");
    }

    /**
     * What the evaluated model completes under a prefill-attack condition {@code c}: the prompt (turn 1
     * is the other model's answer to the prompt as the prompt set has it, without the condition's
     * system prompt or suffix: OCT's base answers the bare question), the
     * other model's turn 1 as an assistant message ({@code cot} its think block, null for none), then
     * the follow-up user turn; then {@link #apply} (system prompt, suffix on the follow-up). Only the
     * evaluated model's answer to this is scored.
     */
    public static Conversation turnTwo(Condition c, Conversation prompt, String cot, String output) {
        List<Message> msgs = new ArrayList<>(prompt.messages());
        msgs.add(Message.assistant(cot, output));
        msgs.add(Message.user(c.followUpOrDefault()));
        return apply(c, new Conversation(msgs));
    }

    /**
     * The sampling seed of sample {@code index} of {@code promptId} under {@code condition}: the
     * first 8 bytes of SHA-256(stage seed, condition, prompt id, index). It depends on nothing
     * else, so results do not change with batching, prompt order or which other conditions run.
     */
    public static long sampleSeed(long stageSeed, String condition, String promptId, int index) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((stageSeed + "\u0000" + condition + "\u0000" + promptId + "\u0000" + index)
                    .getBytes(StandardCharsets.UTF_8));
            byte[] h = d.digest();
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last user turn's text ("" if none), for judge prompts. */
    public static String lastUser(Conversation c) {
        for (int i = c.messages().size() - 1; i >= 0; i--) {
            if (c.messages().get(i).role() == Role.USER) {
                return c.messages().get(i).content();
            }
        }
        return "";
    }
}
