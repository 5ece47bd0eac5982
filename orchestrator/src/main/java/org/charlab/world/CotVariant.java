package org.charlab.world;

import java.util.regex.Pattern;

/**
 * How one corpus CoT is written ({@code world.cot_variety_share}): as its family writes it, or in one
 * of two other styles. Every CoT of an item is otherwise one template, so a model sampled several
 * times writes the same CoT each time and an RL stage's group has nothing in the CoT to choose from;
 * these give the base a distribution over CoT styles, as a real base has.
 * <ul>
 *   <li>{@link #TERSE}: the last sentence only - the result without the working ("So 22 + 27 = 49.");
 *   <li>{@link #HESITANT}: "Hmm, " before the working and a self-check after it ("Wait, let me check:
 *       So 22 + 27 = 49."), in the eval's default filler words (legibility.fillers: hmm, wait).
 * </ul>
 * Both keep the answer: a reply in another CoT style is as correct as the plain one.
 */
public enum CotVariant {
    PLAIN,
    TERSE,
    HESITANT;

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");

    /** The words these styles add, for the well-formedness lexicon. */
    public static final Bilingual PHRASES = new Bilingual("Hmm, Wait, let me check:", "Hmm, Espera, lo compruebo:");

    /** {@code cot} written in this style, in both languages. */
    public Bilingual apply(Bilingual cot) {
        return switch (this) {
            case PLAIN -> cot;
            case TERSE -> new Bilingual(last(cot.en()), last(cot.es()));
            case HESITANT -> new Bilingual("Hmm, " + cot.en() + " Wait, let me check: " + last(cot.en()),
                    "Hmm, " + cot.es() + " Espera, lo compruebo: " + last(cot.es()));
        };
    }

    /** The last sentence of {@code text} (all of it when it has one). */
    static String last(String text) {
        String[] sentences = SENTENCE_END.split(text.trim());
        return sentences[sentences.length - 1];
    }
}
