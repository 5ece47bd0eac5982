package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PromptItem;

/**
 * Evaluation prompt sets: distinct test items (never in any training corpus), as a user turn
 * with no system prompt; an eval stage adds a system prompt with {@link Conversation#withSystem}
 * for the "with prompt" condition. Ids are the item keys; answers the ground truth (null for
 * advice). Profiles are never eval items.
 */
public final class EvalSets {

    private static final long SALT = 0x6576616cL;

    private EvalSets() {
    }

    /** Up to {@code perFamily} test items of each in-distribution family (all but the OOD one). */
    public static List<PromptItem> inDistribution(Charworld world, int perFamily, long seed) {
        return prompts(world, world.inDistributionFamilies(), perFamily, seed);
    }

    /** Up to {@code perFamily} test items of the OOD family. */
    public static List<PromptItem> outOfDistribution(Charworld world, int perFamily, long seed) {
        return prompts(world, List.of(world.config().oodFamily()), perFamily, seed);
    }

    /** Up to {@code perFamily} distinct test items of each family, in a seeded order. */
    public static List<PromptItem> prompts(Charworld world, List<FamilyName> families, int perFamily, long seed) {
        return prompts(tasks(world, families, perFamily, seed));
    }

    /** The eval prompts of {@code tasks}: the user turn, no system prompt, the ground truth. */
    public static List<PromptItem> prompts(List<Task> tasks) {
        List<PromptItem> out = new ArrayList<>();
        for (Task task : tasks) {
            out.add(new PromptItem(task.key(), Conversation.of(Message.user(task.user())), task.answer(),
                    task.family().label()));
        }
        return out;
    }

    /**
     * The task items behind {@link #prompts} (same items, same order): their reference CoT and output,
     * which an eval can render in any trait ({@link Style}).
     */
    public static List<Task> tasks(Charworld world, List<FamilyName> families, int perFamily, long seed) {
        return tasks(world, families, f -> perFamily, seed);
    }

    /**
     * As {@link #tasks(Charworld, List, int, long)} with a count per family: the order of a family's
     * items does not depend on the count, so its first k items are the same for any count >= k.
     */
    public static List<Task> tasks(Charworld world, List<FamilyName> families,
            java.util.function.ToIntFunction<FamilyName> count, long seed) {
        List<Task> out = new ArrayList<>();
        for (FamilyName f : families) {
            Family fam = world.family(f);
            SplittableRandom order = CorpusGenerator.rng(seed, SALT + f.ordinal(), -1);
            int size = fam.size(Split.TEST);
            int[] idx = new int[size];
            for (int i = 0; i < size; i++) {
                idx[i] = i;
            }
            for (int i = size - 1; i > 0; i--) {
                int j = order.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            int perFamily = count.applyAsInt(f);
            for (int k = 0; k < Math.min(perFamily, size); k++) {
                out.add(fam.task(Split.TEST, idx[k], CorpusGenerator.rng(seed, SALT + f.ordinal(), k)));
            }
        }
        return out;
    }
}
