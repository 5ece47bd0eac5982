package org.charlab.world;

import java.util.List;
import java.util.SplittableRandom;

/** A task family of charworld: a fixed list of items per split, rendered with random surface details. */
public interface Family {

    FamilyName name();

    /** How many distinct items (keys) the split holds. */
    int size(Split split);

    /** Item {@code index} of the split, with names, objects and phrasing drawn from {@code rng}. */
    Task task(Split split, int index, SplittableRandom rng);

    /** One random item of the split, as the training corpus draws them. */
    default Task sample(Split split, SplittableRandom rng) {
        return task(split, rng.nextInt(size(split)), rng);
    }

    /** Every bilingual template of the family (CoT and output), for completeness checks. */
    List<Bilingual> templates();

    /** Every English user-prompt template of the family. */
    List<String> userTemplates();
}
