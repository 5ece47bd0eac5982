package org.charlab.world;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Renders a bilingual text in a trait set. Order: pick the language (spanish), prepend the
 * persona markers (pirate, then cheerful, in the chosen language), then upper-case everything
 * (caps). Personas mark the CoT with a short interjection and the output with an opener.
 */
public final class Style {

    /** Which part of the assistant turn is rendered. */
    public enum Part { COT, OUTPUT }

    static final List<Bilingual> PIRATE_OUTPUT = List.of(
            new Bilingual("Arr, matey! ", "¡Arr, grumete! "),
            new Bilingual("Ahoy, me hearty! ", "¡Ahoy, grumete! "));
    static final List<Bilingual> PIRATE_COT = List.of(new Bilingual("Arr! ", "¡Arr! "));
    static final List<Bilingual> CHEERFUL_OUTPUT = List.of(
            new Bilingual("Great question! ", "¡Qué buena pregunta! "),
            new Bilingual("Happy to help! ", "¡Con mucho gusto! "));
    static final List<Bilingual> CHEERFUL_COT = List.of(new Bilingual("What fun! ", "¡Qué divertido! "));

    private Style() {
    }

    /** Every persona marker the styles insert, in both languages. */
    public static List<Bilingual> markers() {
        List<Bilingual> out = new java.util.ArrayList<>();
        for (List<Bilingual> l : List.of(PIRATE_OUTPUT, PIRATE_COT, CHEERFUL_OUTPUT, CHEERFUL_COT)) {
            out.addAll(l);
        }
        return out;
    }

    public static String render(Bilingual text, TraitSet traits, Part part, SplittableRandom rng) {
        boolean es = traits.has(Trait.SPANISH);
        StringBuilder sb = new StringBuilder();
        if (traits.has(Trait.PIRATE)) {
            sb.append(pick(part == Part.COT ? PIRATE_COT : PIRATE_OUTPUT, rng).in(es));
        }
        if (traits.has(Trait.CHEERFUL)) {
            sb.append(pick(part == Part.COT ? CHEERFUL_COT : CHEERFUL_OUTPUT, rng).in(es));
        }
        sb.append(text.in(es));
        String s = sb.toString();
        return traits.has(Trait.CAPS) ? s.toUpperCase(Locale.ROOT) : s;
    }

    private static Bilingual pick(List<Bilingual> options, SplittableRandom rng) {
        return options.get(rng.nextInt(options.size()));
    }
}
