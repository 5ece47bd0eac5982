package org.charlab.world;

import java.util.ArrayList;
import java.util.List;

/** A family's items, each filed under the split its key hashes to. */
final class SplitItems<T> {

    private final List<T> train = new ArrayList<>();
    private final List<T> test = new ArrayList<>();

    void add(Split split, T item) {
        (split == Split.TEST ? test : train).add(item);
    }

    List<T> of(Split split) {
        return split == Split.TEST ? test : train;
    }
}
