package org.charlab.world.detect;

import java.util.ArrayList;
import java.util.List;
import org.charlab.world.Trait;
import org.charlab.world.TraitDetector;
import org.charlab.world.TraitSet;

/**
 * The detector of each charworld trait (from its {@link org.charlab.world.TraitDefinition}), and a
 * helper that reads the trait set a text shows.
 */
public final class Detectors {

    private Detectors() {
    }

    public static TraitDetector of(Trait trait) {
        return trait.definition().detector();
    }

    /** Every detector, in trait order (neutral first). */
    public static List<TraitDetector> all() {
        List<TraitDetector> out = new ArrayList<>();
        for (Trait t : Trait.values()) {
            out.add(of(t));
        }
        return List.copyOf(out);
    }

    /** The traits (other than neutral) whose detectors fire on {@code text}. */
    public static TraitSet detect(String text) {
        List<Trait> out = new ArrayList<>();
        for (Trait t : Trait.values()) {
            if (t != Trait.NEUTRAL && of(t).present(text)) {
                out.add(t);
            }
        }
        return TraitSet.of(out);
    }
}
