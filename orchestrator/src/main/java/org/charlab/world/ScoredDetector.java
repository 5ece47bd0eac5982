package org.charlab.world;

import java.util.function.ToDoubleFunction;

/** A trait's detector made of its score function and the threshold at which the trait is present. */
record ScoredDetector(Trait trait, double threshold, ToDoubleFunction<String> scorer) implements TraitDetector {

    @Override
    public double score(String text) {
        return scorer.applyAsDouble(text);
    }
}
