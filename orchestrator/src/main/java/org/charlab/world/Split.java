package org.charlab.world;

import java.nio.charset.StandardCharsets;
import org.charlab.config.Doc;

/**
 * Train or test items of a task family. Which split an item falls in is a property of the world
 * (a stable hash of the item's key), not of any corpus seed: every corpus trains only on train
 * items and every evaluation set asks only test items, whatever the seeds.
 */
public enum Split {
    @Doc("Items the base corpus and character-training data are drawn from.")
    TRAIN,
    @Doc("Held-out items for evaluation prompt sets; never in any training corpus.")
    TEST;

    /** A stable value in [0,1) for a key: FNV-1a over its UTF-8 bytes, then a SplitMix64 finaliser. */
    public static double unit(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return (mix(h) >>> 11) * 0x1.0p-53;
    }

    /** The split of an item key given the share of items held out for test. */
    public static Split of(String key, double testShare) {
        return unit(key) < testShare ? TEST : TRAIN;
    }

    /** SplitMix64's finaliser: a good bijective mixer for deriving per-example seeds. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
