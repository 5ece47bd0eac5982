package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.config.Doc;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PreferencePair;

/**
 * Character-training data: train items of the in-distribution families (never the OOD family),
 * with no system prompt (an SFT stage adds its inoculation prompt with
 * {@link Conversation#withSystem}), outputs in a trait set such as {@code spanish+caps}
 * (Tan et al. 2025), and the CoT neutral, in character, or absent.
 */
public final class CharacterData {

    /** What the CoT of character-training data looks like. */
    public enum Cot {
        @Doc("The CoT stays neutral English: character only in the output.")
        NEUTRAL,
        @Doc("The CoT carries the traits too.")
        IN_CHARACTER,
        @Doc("No CoT at all (OCT's DPO keeps only the text after </think>).")
        NONE
    }

    private static final long SFT_SALT = 0x736674L;
    private static final long DPO_SALT = 0x64706fL;

    private CharacterData() {
    }

    /** {@code n} SFT conversations whose outputs carry {@code traits}. */
    public static List<WorldExample> sft(Charworld world, TraitSet traits, Cot cot, int n, long seed) {
        CorpusGenerator g = new CorpusGenerator(world);
        List<WorldExample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = CorpusGenerator.rng(seed, SFT_SALT, i);
            Task task = sample(world, g, rng);
            out.add(styled(task, traits, cot, rng));
        }
        return out;
    }

    /**
     * {@code n} DPO pairs: chosen = the reply in {@code traits}, rejected = the neutral reply (the
     * base corpus's no-system-prompt answer) to the same prompt.
     */
    public static List<PreferencePair> dpo(Charworld world, TraitSet traits, Cot cot, int n, long seed) {
        CorpusGenerator g = new CorpusGenerator(world);
        List<PreferencePair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = CorpusGenerator.rng(seed, DPO_SALT, i);
            Task task = sample(world, g, rng);
            Message chosen = styled(task, traits, cot, rng).conversation().completion().orElseThrow();
            Message rejected = styled(task, TraitSet.NEUTRAL, cot == Cot.NONE ? Cot.NONE : Cot.NEUTRAL, rng)
                    .conversation().completion().orElseThrow();
            out.add(new PreferencePair(Conversation.of(Message.user(task.user())), chosen, rejected));
        }
        return out;
    }

    private static Task sample(Charworld world, CorpusGenerator g, SplittableRandom rng) {
        return world.family(g.pickFamily(world.inDistributionFamilies(), rng)).sample(Split.TRAIN, rng);
    }

    private static WorldExample styled(Task task, TraitSet traits, Cot cot, SplittableRandom rng) {
        WorldExample e = CorpusGenerator.render(task, WorldExample.SystemKind.NONE, null, traits,
                cot == Cot.IN_CHARACTER ? traits : TraitSet.NEUTRAL, rng);
        if (cot != Cot.NONE) {
            return e;
        }
        Message m = e.conversation().completion().orElseThrow();
        List<Message> ms = new ArrayList<>(e.conversation().prompt().messages());
        ms.add(Message.assistant(null, m.content()));
        return new WorldExample(task, e.system(), traits, TraitSet.NEUTRAL, new Conversation(ms));
    }
}
