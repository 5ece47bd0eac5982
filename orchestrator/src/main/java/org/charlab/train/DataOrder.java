package org.charlab.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The sequence of micro-batches a run trains on, as a pure function of the seed, the example
 * sizes and the batching settings: epoch e is a shuffle of all examples by an RNG seeded with
 * (seed, e), cut into micro-batches in that order. Optimizer step s takes micro-batches
 * [s * accum, (s + 1) * accum). Because nothing here is stateful, a resumed run only needs the
 * step it stopped at to continue on exactly the same data.
 */
final class DataOrder {

    private final int n;
    private final long seed;
    private final int batchSize;
    private final int batchTokens;
    private final IntUnaryOperator tokens;
    private final boolean groupByLength;
    private final List<int[]> stream = new ArrayList<>();
    private int epochs;

    DataOrder(int n, long seed, int batchSize, int batchTokens, IntUnaryOperator tokens) {
        this(n, seed, batchSize, batchTokens, tokens, false);
    }

    /**
     * @param groupByLength sort each run of 50 micro-batches' worth of shuffled examples by length
     *     before cutting (less padding), then shuffle the micro-batches (TRL's group_by_length)
     */
    DataOrder(int n, long seed, int batchSize, int batchTokens, IntUnaryOperator tokens, boolean groupByLength) {
        if (n == 0) {
            throw new IllegalArgumentException("no training examples");
        }
        this.n = n;
        this.seed = seed;
        this.batchSize = batchSize;
        this.batchTokens = batchTokens;
        this.tokens = tokens;
        this.groupByLength = groupByLength;
    }

    /** Micro-batches in one pass over the data (the first epoch's count under batch_tokens). */
    int microBatchesPerEpoch() {
        ensure(1);
        return epochCut.get(0);
    }

    private final List<Integer> epochCut = new ArrayList<>();

    /** Indices of the examples in micro-batch {@code i} of the stream. */
    int[] microBatch(int i) {
        while (stream.size() <= i) {
            addEpoch();
        }
        return stream.get(i);
    }

    /** Which epoch micro-batch {@code i} belongs to (0-based). */
    int epochOf(int i) {
        microBatch(i);
        int total = 0;
        for (int e = 0; e < epochCut.size(); e++) {
            total += epochCut.get(e);
            if (i < total) {
                return e;
            }
        }
        return epochCut.size() - 1;
    }

    private void ensure(int e) {
        while (epochs < e) {
            addEpoch();
        }
    }

    private void addEpoch() {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x6461746153L + epochs);
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        if (groupByLength) {
            int mega = 50 * Math.max(1, batchSize);
            for (int from = 0; from < n; from += mega) {
                int to = Math.min(n, from + mega);
                Integer[] chunk = new Integer[to - from];
                for (int k = from; k < to; k++) {
                    chunk[k - from] = perm[k];
                }
                java.util.Arrays.sort(chunk, (x, y) -> Integer.compare(tokens.applyAsInt(y), tokens.applyAsInt(x)));
                for (int k = from; k < to; k++) {
                    perm[k] = chunk[k - from];
                }
            }
        }
        int before = stream.size();
        int i = 0;
        while (i < n) {
            int end;
            if (batchTokens > 0) {
                int longest = tokens.applyAsInt(perm[i]);
                end = i + 1;
                while (end < n) {
                    int l = Math.max(longest, tokens.applyAsInt(perm[end]));
                    if ((long) l * (end - i + 1) > batchTokens) {
                        break;
                    }
                    longest = l;
                    end++;
                }
            } else {
                end = Math.min(n, i + batchSize);
            }
            int[] mb = new int[end - i];
            System.arraycopy(perm, i, mb, 0, mb.length);
            stream.add(mb);
            i = end;
        }
        if (groupByLength) { // the batches in random order, so lengths do not follow a pattern
            for (int k = stream.size() - 1; k > before; k--) {
                int j = before + rng.nextInt(k - before + 1);
                int[] t = stream.get(k);
                stream.set(k, stream.get(j));
                stream.set(j, t);
            }
        }
        epochCut.add(stream.size() - before);
        epochs++;
    }
}
