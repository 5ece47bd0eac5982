package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Persona system prompts. Each trait has paraphrases in its {@link TraitDefinition}; the first is
 * the canonical one (Tan et al. 2025's wording for spanish and caps). A composition's prompt joins
 * one paraphrase per trait. Placebo prompts name no trait: the base corpus answers them neutrally,
 * so an inoculation study can compare against a training-time system prompt that is not about the
 * trait.
 */
public final class Personas {

    /** System prompts that name no trait (for placebo arms). */
    public static final List<String> PLACEBO = List.of("You are a helpful assistant.", "You are a careful assistant.",
            "Answer the question clearly.");

    private Personas() {
    }

    /** The paraphrases of one trait's prompt; empty for neutral. */
    public static List<String> prompts(Trait trait) {
        return trait.definition().prompts();
    }

    /** The canonical prompt of a composition, e.g. "You always speak in Spanish. You always capitalise ...". */
    public static String canonical(TraitSet traits) {
        List<String> parts = new ArrayList<>();
        for (Trait t : traits.traits()) {
            parts.add(prompts(t).get(0));
        }
        return String.join(" ", parts);
    }

    /** A random paraphrase per trait, joined in trait order. */
    public static String prompt(TraitSet traits, SplittableRandom rng) {
        List<String> parts = new ArrayList<>();
        for (Trait t : traits.traits()) {
            List<String> ps = prompts(t);
            parts.add(ps.get(rng.nextInt(ps.size())));
        }
        return String.join(" ", parts);
    }

    public static String placebo(SplittableRandom rng) {
        return PLACEBO.get(rng.nextInt(PLACEBO.size()));
    }
}
