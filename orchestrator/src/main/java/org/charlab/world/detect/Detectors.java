package org.charlab.world.detect;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.charlab.world.Trait;
import org.charlab.world.TraitSet;

/** The detector of each charworld trait, and a helper that reads the trait set a text shows. */
public final class Detectors {

    private static final Map<Trait, TraitDetector> ALL = new EnumMap<>(Trait.class);

    static {
        List<TraitDetector> styled = List.of(new CapsDetector(), new SpanishDetector(), new PirateDetector(),
                new CheerfulDetector());
        styled.forEach(d -> ALL.put(d.trait(), d));
        ALL.put(Trait.NEUTRAL, new NeutralDetector(styled));
    }

    private Detectors() {
    }

    public static TraitDetector of(Trait trait) {
        return ALL.get(trait);
    }

    /** Every detector, in trait order (neutral first). */
    public static List<TraitDetector> all() {
        return List.copyOf(ALL.values());
    }

    /** The traits (other than neutral) whose detectors fire on {@code text}. */
    public static TraitSet detect(String text) {
        List<Trait> out = new ArrayList<>();
        for (TraitDetector d : ALL.values()) {
            if (d.trait() != Trait.NEUTRAL && d.present(text)) {
                out.add(d.trait());
            }
        }
        return TraitSet.of(out);
    }
}
