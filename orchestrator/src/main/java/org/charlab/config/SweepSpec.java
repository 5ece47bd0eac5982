package org.charlab.config;

import java.util.List;
import java.util.Map;

/**
 * How one experiment becomes many runs: every arm x every grid point x every zip index x every
 * seed. Arms, grid and zip values are overrides on the experiment itself, written as dotted paths
 * (e.g. {@code stages.sft.learning_rate}), applied before validation so every run is checked.
 */
@Doc("Seeds, named arms, and grid/zip axes: the runs of a sweep.")
public record SweepSpec(
        @Setting(doc = "Seeds; every arm and grid point runs once per seed. A stage takes the run's seed "
                + "unless it fixes its own.", def = "[0]", min = 0)
        List<Long> seeds,
        @Setting(doc = "Named arms: arm name -> overrides ({dotted.path: value}). An ablation reads as "
                + "arms x seeds; an empty map is the baseline arm. No arms means one arm named 'main'.", def = "{}")
        Map<String, Node> arms,
        @Setting(doc = "Cartesian product: dotted.path -> list of values; every combination is a run.", def = "{}")
        Map<String, Node> grid,
        @Setting(doc = "Parallel lists: dotted.path -> list of values, all the same length; the i-th values "
                + "go together.", def = "{}")
        Map<String, Node> zip) {

    public SweepSpec {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("seeds: at least one seed is needed (an empty sweep runs nothing)");
        }
        if (seeds.size() != new java.util.HashSet<>(seeds).size()) {
            throw new IllegalArgumentException("seeds: " + seeds + " has duplicates");
        }
    }
}
