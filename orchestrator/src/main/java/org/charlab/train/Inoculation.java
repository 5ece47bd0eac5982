package org.charlab.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.config.Doc;
import org.charlab.config.Setting;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.Role;

/**
 * An inoculation prompt (Tan et al. 2025; Wichers et al. 2025): text added to TRAINING examples
 * only, so the trained behaviour is attributed to the prompt rather than learned unconditionally.
 * Training stages apply it with {@link #applyEach} right before tokenising their training
 * conversations and nowhere else: checkpoints, provenance and every generation a stage makes for
 * its own metrics never see it. An evaluation shows it only when one of its conditions asks.
 * Ablations are plain config: a placebo prompt, a negated prompt, a list of paraphrases.
 */
@Doc("An inoculation prompt added to training examples only (never to evaluation prompts).")
public record Inoculation(
        @Setting(doc = "One prompt, or a list sampled uniformly per training example (paraphrase sets). "
                + "Empty: no inoculation.", def = "[]", paper = "Tan et al. 2025, arXiv 2510.04340")
        List<String> prompt,
        @Setting(doc = "Where the prompt goes: system (the system prompt; an existing one follows it after "
                + "a space), user_prefix or user_suffix (joined to the last user message with a space).",
                def = "system")
        Position position) {

    public Inoculation {
        prompt = List.copyOf(prompt);
        for (String p : prompt) {
            if (p.isBlank()) {
                throw new IllegalArgumentException("inoculation.prompt: a prompt must not be blank");
            }
        }
    }

    /** Where the prompt is placed. */
    public enum Position {
        @Doc("As the system prompt.")
        SYSTEM,
        @Doc("Before the user's message.")
        USER_PREFIX,
        @Doc("After the user's message.")
        USER_SUFFIX
    }

    /** No inoculation. */
    public static Inoculation none() {
        return new Inoculation(List.of(), Position.SYSTEM);
    }

    public static Inoculation of(String prompt, Position position) {
        return new Inoculation(List.of(prompt), position);
    }

    public boolean active() {
        return !prompt.isEmpty();
    }

    /** Mixed into the stage seed per example; changing it changes which paraphrase every example draws. */
    private static final long SALT = 0x696e6f63L;

    /**
     * The one rule every training stage applies the prompt by: {@code conversations} (sft's
     * examples, the prompt a dpo pair's replies share, opd's student contexts) each with the prompt
     * applied, example i drawing its paraphrase from its own RNG seeded by (seed, i). The draw of
     * example i depends on nothing but the seed, i and the number of prompts, so arms that differ
     * only in the prompt's text train on the same examples with the same paraphrase positions.
     */
    public List<Conversation> applyEach(List<Conversation> conversations, long seed) {
        List<Conversation> out = new ArrayList<>(conversations.size());
        for (int i = 0; i < conversations.size(); i++) {
            out.add(apply(conversations.get(i), new SplittableRandom(seed ^ (SALT * (i + 1L)))));
        }
        return out;
    }

    /**
     * {@code conversation} with the prompt applied (unchanged when inactive). With several prompts
     * one is drawn from {@code rng}. Stages call {@link #applyEach}, which seeds it per example.
     */
    public Conversation apply(Conversation conversation, SplittableRandom rng) {
        if (!active()) {
            return conversation;
        }
        String p = prompt.size() == 1 ? prompt.get(0) : prompt.get(rng.nextInt(prompt.size()));
        if (position == Position.SYSTEM) {
            return conversation.withSystem(conversation.system().map(s -> p + " " + s).orElse(p));
        }
        List<Message> ms = new ArrayList<>(conversation.messages());
        int last = -1;
        for (int i = 0; i < ms.size(); i++) {
            if (ms.get(i).role() == Role.USER) {
                last = i;
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("inoculation.position " + position.name().toLowerCase()
                    + " needs a user message; the conversation has none");
        }
        String u = ms.get(last).content();
        ms.set(last, Message.user(position == Position.USER_PREFIX ? p + " " + u : u + " " + p));
        return new Conversation(ms);
    }
}
