package org.charlab.world;

import java.util.List;
import org.charlab.data.AdversarialSuffixes;

/**
 * The instruction to break character that Open Character Training appends to a user turn
 * (Maiya et al. 2025, section 3.2: eight adversarial instructions; their generation code appends one
 * on a new line after the user's message). The charworld corpus
 * ({@code world.break_character_share}) reads the list the eval's robustness conditions use
 * ({@link AdversarialSuffixes#OCT}).
 *
 * <p>The base corpus obeys the instruction when the persona comes from a system prompt (the answer
 * is neutral), so a system-prompted base breaks character while a trained-in persona may not. Two of
 * the eight ({@link #HELD_OUT}) never appear in any corpus: an eval under them tests whether
 * obeying the instruction generalised beyond the phrasings the base saw.
 */
public final class BreakCharacter {

    /** OCT's eight suffixes, in the paper's order (index = variant v0..v7): the list the eval's conditions use. */
    public static final List<String> SUFFIXES = AdversarialSuffixes.OCT.suffixes();

    /** Indices of the suffixes kept out of every corpus, for test only: v3 and v7. */
    public static final List<Integer> HELD_OUT = List.of(3, 7);

    /** Indices of the suffixes the corpus draws from: all but {@link #HELD_OUT}. */
    public static final List<Integer> IN_CORPUS = List.of(0, 1, 2, 4, 5, 6);

    private BreakCharacter() {
    }

    /** The user's text with suffix {@code index} appended on a new line, as OCT appends it. */
    public static String append(String user, int index) {
        return AdversarialSuffixes.OCT.append(user, index);
    }

    /** The split a suffix belongs to: {@link Split#TEST} for the held-out ones. */
    public static Split split(int index) {
        return HELD_OUT.contains(index) ? Split.TEST : Split.TRAIN;
    }
}
