package org.charlab.eval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.Role;

/** How a condition changes a prompt, and the seed of each sample. Engine-free. */
public final class Conditions {

    private Conditions() {
    }

    /**
     * The conversation the model completes under {@code c}: the system prompt replaced when the
     * condition sets one (kept as the prompt set has it otherwise), and the suffix appended to the
     * last user turn after one space. The CoT prefill is not part of the conversation: the
     * generator renders it into the assistant turn. Never modifies {@code prompt}.
     */
    public static Conversation apply(Condition c, Conversation prompt) {
        Conversation out = c.system() == null ? prompt : prompt.withSystem(c.system());
        if (c.userSuffix() == null || c.userSuffix().isEmpty()) {
            return out;
        }
        List<Message> msgs = new ArrayList<>(out.messages());
        for (int i = msgs.size() - 1; i >= 0; i--) {
            if (msgs.get(i).role() == Role.USER) {
                msgs.set(i, Message.user(msgs.get(i).content() + " " + c.userSuffix()));
                return new Conversation(msgs);
            }
        }
        throw new IllegalArgumentException("prompt has no user turn to append the suffix of condition '" + c.name() + "' to");
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
