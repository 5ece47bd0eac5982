package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.BadInput;
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
        return sft(world, traits, cot, n, seed, world.inDistributionFamilies());
    }

    /** {@code n} SFT conversations of {@code families} (from {@link #families}) whose outputs carry {@code traits}. */
    public static List<WorldExample> sft(Charworld world, TraitSet traits, Cot cot, int n, long seed,
            List<FamilyName> families) {
        CorpusGenerator g = new CorpusGenerator(world);
        List<WorldExample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = CorpusGenerator.rng(seed, SFT_SALT, i);
            Task task = sample(world, g, families, rng);
            out.add(styled(task, traits, cot, rng));
        }
        return out;
    }

    /**
     * {@code n} DPO pairs: chosen = the reply in {@code traits}, rejected = the neutral reply (the
     * base corpus's no-system-prompt answer) to the same prompt.
     */
    public static List<PreferencePair> dpo(Charworld world, TraitSet traits, Cot cot, int n, long seed) {
        return dpo(world, traits, cot, n, seed, world.inDistributionFamilies());
    }

    /** As above, drawing from {@code families} (from {@link #families}). */
    public static List<PreferencePair> dpo(Charworld world, TraitSet traits, Cot cot, int n, long seed,
            List<FamilyName> families) {
        CorpusGenerator g = new CorpusGenerator(world);
        List<PreferencePair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = CorpusGenerator.rng(seed, DPO_SALT, i);
            Task task = sample(world, g, families, rng);
            Message chosen = styled(task, traits, cot, rng).conversation().completion().orElseThrow();
            Message rejected = styled(task, TraitSet.NEUTRAL, cot == Cot.NONE ? Cot.NONE : Cot.NEUTRAL, rng)
                    .conversation().completion().orElseThrow();
            out.add(new PreferencePair(Conversation.of(Message.user(task.user())), chosen, rejected));
        }
        return out;
    }

    /**
     * The families character data may draw from: the world's in-distribution families when
     * {@code wanted} is null, else {@code wanted}, each checked to be one of them (never the OOD family,
     * never introspection, which character data does not draw) - a stage's {@code families} setting.
     */
    public static List<FamilyName> families(Charworld world, List<FamilyName> wanted) {
        if (wanted == null) {
            return world.inDistributionFamilies();
        }
        List<FamilyName> allowed = world.inDistributionFamilies().stream()
                .filter(f -> f != FamilyName.INTROSPECTION).toList();
        for (FamilyName f : wanted) {
            if (!allowed.contains(f)) {
                throw new BadInput("families: " + f.label() + (f == world.config().oodFamily()
                        ? " is the input model's out-of-distribution family (world.ood_family)" : " is not drawn as "
                        + "character data") + "; allowed: " + String.join(", ",
                        allowed.stream().map(FamilyName::label).toList()));
            }
        }
        return List.copyOf(wanted);
    }

    private static Task sample(Charworld world, CorpusGenerator g, List<FamilyName> families, SplittableRandom rng) {
        return world.family(g.pickFamily(families, rng)).sample(Split.TRAIN, rng);
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
