package org.charlab.world.detect;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.charlab.world.Trait;
import org.charlab.world.TraitSet;

/**
 * The detector of each charworld trait, and a helper that reads the trait set a text shows.
 * {@link #STYLED} is the one list of detectors: a new trait adds its detector there. Detectors stay
 * out of {@link org.charlab.world.TraitDefinition} so that a detector fix changes the eval stage's
 * key and not the keys of the stages that only render traits (pretrain, SFT, DPO, OPD).
 */
public final class Detectors {

    /** The detector of every trait but neutral, which is read from these. */
    private static final List<TraitDetector> STYLED = List.of(new CapsDetector(), new SpanishDetector(),
            new PirateDetector(), new CheerfulDetector());

    private static final Map<Trait, TraitDetector> ALL = new EnumMap<>(Trait.class);

    static {
        STYLED.forEach(d -> ALL.put(d.trait(), d));
        ALL.put(Trait.NEUTRAL, new NeutralDetector(STYLED));
        if (ALL.size() != STYLED.size() + 1 || ALL.size() != Trait.values().length) {
            throw new IllegalStateException("Detectors: one detector per trait expected, have " + ALL.keySet());
        }
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
