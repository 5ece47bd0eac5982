package org.charlab.stats;

import java.util.Arrays;

/**
 * Sorted distinct ids (seeds or prompts of a {@link CrossedDesign}) and each one's position among
 * them. compare numbers seeds and prompts 0, 1, 2, ... in order of first appearance, so the ids are
 * usually dense non-negative ints: then a table gives positions in O(1) and the distinct ids come
 * from one marking pass instead of a sort (a design of 50 runs x 1,000 prompts sorted and binary-
 * searched its 50,000 partial cells for every metric). Other ids are sorted and binary-searched;
 * both give the same ids and positions.
 */
final class Ids {

    /** The ids, ascending, each once. */
    final int[] ids;
    /** id -> position + 1 (0: absent), or null when the ids are sparse. */
    private final int[] table;

    private Ids(int[] ids, int[] table) {
        this.ids = ids;
        this.table = table;
    }

    /** The distinct ids among {@code ids[i]} for which {@code keep[i]} (keep null: all). */
    static Ids distinct(int[] ids, boolean[] keep) {
        int n = 0;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < ids.length; i++) {
            if (keep == null || keep[i]) {
                n++;
                min = Math.min(min, ids[i]);
                max = Math.max(max, ids[i]);
            }
        }
        if (n > 0 && dense(min, max, n)) {
            int[] table = new int[max + 1];
            for (int i = 0; i < ids.length; i++) {
                if (keep == null || keep[i]) {
                    table[ids[i]] = 1;
                }
            }
            int[] out = new int[Math.min(n, max + 1)];
            int k = 0;
            for (int id = 0; id <= max; id++) {
                if (table[id] != 0) {
                    out[k++] = id;
                    table[id] = k;
                }
            }
            return new Ids(Arrays.copyOf(out, k), table);
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < ids.length; i++) {
            if (keep == null || keep[i]) {
                out[k++] = ids[i];
            }
        }
        return sorted(Arrays.stream(out).sorted().distinct().toArray());
    }

    /** Ids already ascending and distinct. */
    static Ids sorted(int[] ids) {
        if (ids.length == 0 || !dense(ids[0], ids[ids.length - 1], ids.length)) {
            return new Ids(ids, null);
        }
        int[] table = new int[ids[ids.length - 1] + 1];
        for (int i = 0; i < ids.length; i++) {
            table[ids[i]] = i + 1;
        }
        return new Ids(ids, table);
    }

    /** The ids present in both, ascending. */
    Ids common(Ids other) {
        int[] out = new int[Math.min(ids.length, other.ids.length)];
        int k = 0;
        for (int id : ids) {
            if (other.position(id) >= 0) {
                out[k++] = id;
            }
        }
        return sorted(Arrays.copyOf(out, k));
    }

    int size() {
        return ids.length;
    }

    /** The position of {@code id} among the ids; negative when absent (as Arrays.binarySearch). */
    int position(int id) {
        if (table == null) {
            return Arrays.binarySearch(ids, id);
        }
        return id >= 0 && id < table.length && table[id] > 0 ? table[id] - 1 : -1;
    }

    /** Non-negative ids whose table is at most a few times their number (plus a small constant). */
    private static boolean dense(int min, int max, int n) {
        return min >= 0 && max < 4L * n + 1024;
    }
}
