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

    /**
     * The {@code phrasings} phrasings of one topic, one of them (chosen by hashing {@code topicKey})
     * held out for test and the rest for training: test prompts ask a seen topic in unseen words.
     */
    void addPhrasings(String topicKey, int phrasings, java.util.function.IntFunction<T> item) {
        int held = (int) (Split.unit(topicKey) * phrasings);
        for (int i = 0; i < phrasings; i++) {
            add(i == held ? Split.TEST : Split.TRAIN, item.apply(i));
        }
    }

    List<T> of(Split split) {
        return split == Split.TEST ? test : train;
    }
}
