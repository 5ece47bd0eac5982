package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Ids gives the sorted distinct ids and Arrays.binarySearch's positions, by table (dense) or by search (sparse). */
class IdsTest {

    private static void check(int[] ids, boolean[] keep) {
        int[] kept = java.util.stream.IntStream.range(0, ids.length).filter(i -> keep == null || keep[i])
                .map(i -> ids[i]).sorted().distinct().toArray();
        Ids d = Ids.distinct(ids, keep);
        assertArrayEquals(kept, d.ids);
        Ids s = Ids.sorted(kept);
        for (int probe = -3; probe < 5000; probe++) {
            int want = Arrays.binarySearch(kept, probe);
            assertEquals(want < 0 ? -1 : want, Math.max(-1, d.position(probe)), "id " + probe);
            assertEquals(want < 0 ? -1 : want, Math.max(-1, s.position(probe)), "id " + probe);
        }
    }

    @Test
    void denseSparseAndNegativeIdsAgreeWithSortAndBinarySearch() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rng.nextInt(300);
            int range = trial % 3 == 0 ? 20 : trial % 3 == 1 ? 4000 : 1 << 30; // dense, borderline, sparse
            int[] ids = new int[n];
            boolean[] keep = new boolean[n];
            for (int i = 0; i < n; i++) {
                ids[i] = rng.nextInt(range) - (trial % 5 == 4 ? range / 2 : 0); // some trials with negative ids
                keep[i] = rng.nextDouble() < 0.8;
            }
            check(ids, null);
            check(ids, keep);
        }
        check(new int[0], null);
        check(new int[] {7, 7, 7}, new boolean[] {false, false, false});
    }

    @Test
    void commonIsTheIntersection() {
        Ids a = Ids.sorted(new int[] {0, 2, 3, 9});
        Ids b = Ids.distinct(new int[] {9, 1, 3, 3, 100000}, null);
        assertArrayEquals(new int[] {3, 9}, a.common(b).ids);
        assertArrayEquals(new int[] {3, 9}, b.common(a).ids);
    }
}
