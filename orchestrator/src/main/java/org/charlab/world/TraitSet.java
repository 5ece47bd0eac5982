package org.charlab.world;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A composition of traits, e.g. {@code spanish+caps} (Tan et al. 2025). The empty set is the
 * neutral style; {@link Trait#NEUTRAL} is never a member. Names list traits in enum order.
 */
public record TraitSet(Set<Trait> traits) {

    public static final TraitSet NEUTRAL = new TraitSet(EnumSet.noneOf(Trait.class));

    public TraitSet {
        EnumSet<Trait> copy = EnumSet.noneOf(Trait.class);
        copy.addAll(traits);
        copy.remove(Trait.NEUTRAL);
        traits = java.util.Collections.unmodifiableSet(copy);
    }

    public static TraitSet of(Trait... traits) {
        return new TraitSet(List.of(traits).isEmpty() ? EnumSet.noneOf(Trait.class) : EnumSet.copyOf(List.of(traits)));
    }

    public static TraitSet of(Collection<Trait> traits) {
        return new TraitSet(traits.isEmpty() ? EnumSet.noneOf(Trait.class) : EnumSet.copyOf(traits));
    }

    /** Parses {@code "spanish+caps"} or {@code "neutral"}. */
    public static TraitSet parse(String name) {
        List<Trait> out = new ArrayList<>();
        for (String part : name.split("\\+")) {
            out.add(Trait.of(part));
        }
        return of(out);
    }

    public boolean has(Trait t) {
        return t == Trait.NEUTRAL ? traits.isEmpty() : traits.contains(t);
    }

    public boolean isNeutral() {
        return traits.isEmpty();
    }

    public String name() {
        if (traits.isEmpty()) {
            return "neutral";
        }
        return String.join("+", traits.stream().map(Trait::label).toList());
    }

    /** Every composition of {@code from} with 1..max traits, smallest first, in a fixed order. */
    public static List<TraitSet> compositions(List<Trait> from, int max) {
        List<Trait> base = new ArrayList<>(EnumSet.copyOf(from.isEmpty() ? EnumSet.of(Trait.NEUTRAL) : from));
        base.remove(Trait.NEUTRAL);
        List<TraitSet> out = new ArrayList<>();
        for (int size = 1; size <= Math.min(max, base.size()); size++) {
            for (int mask = 1; mask < (1 << base.size()); mask++) {
                if (Integer.bitCount(mask) == size) {
                    List<Trait> ts = new ArrayList<>();
                    for (int i = 0; i < base.size(); i++) {
                        if ((mask & (1 << i)) != 0) {
                            ts.add(base.get(i));
                        }
                    }
                    out.add(of(ts));
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name();
    }
}
