package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Renders a bilingual text in a trait set, from each trait's {@link TraitDefinition}: pick the
 * language (Spanish when a trait of the set is {@link TraitDefinition#spanish()}), prepend one
 * persona marker per trait that has markers for the part (in trait order: pirate, then cheerful;
 * each a draw from {@code rng}), then apply each trait's transform in trait order (caps upper-cases
 * everything). Personas mark the CoT with a short interjection and the output with an opener.
 */
public final class Style {

    /** Which part of the assistant turn is rendered. */
    public enum Part { COT, OUTPUT }

    private Style() {
    }

    /** Every persona marker the styles insert, in both languages: per trait, output then CoT markers. */
    public static List<Bilingual> markers() {
        List<Bilingual> out = new ArrayList<>();
        for (Trait t : Trait.values()) {
            out.addAll(t.definition().markers(Part.OUTPUT));
            out.addAll(t.definition().markers(Part.COT));
        }
        return out;
    }

    public static String render(Bilingual text, TraitSet traits, Part part, SplittableRandom rng) {
        boolean es = traits.traits().stream().anyMatch(t -> t.definition().spanish());
        StringBuilder sb = new StringBuilder();
        for (Trait t : traits.traits()) {
            List<Bilingual> markers = t.definition().markers(part);
            if (!markers.isEmpty()) {
                sb.append(markers.get(rng.nextInt(markers.size())).in(es));
            }
        }
        sb.append(text.in(es));
        String s = sb.toString();
        for (Trait t : traits.traits()) {
            s = t.definition().transform().apply(s);
        }
        return s;
    }
}
