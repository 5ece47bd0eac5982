package org.charlab.stats;

import java.util.stream.IntStream;

/**
 * Runs B bootstrap resamples in fixed chunks of {@link #CHUNK}; chunk c draws from
 * {@link SplitMix64#forChunk}(seed, c) and fills replicates[c*CHUNK ...]. Chunks run in parallel
 * on the common fork-join pool (the calling thread helps), and since each chunk owns its stream
 * and its slice of the output, the replicates are identical for any number of threads.
 */
final class Resampling {

    /** Resamples per RNG stream. Part of the reproducibility contract: changing it changes results. */
    static final int CHUNK = 1000;

    /** Fills out[from, to) using rng; one call per chunk. */
    @FunctionalInterface
    interface Chunk {
        void run(SplitMix64 rng, double[] out, int from, int to);
    }

    private Resampling() {
    }

    /** Returns {@code resamples} bootstrap replicates computed by {@code body}, chunk by chunk. */
    static double[] replicates(int resamples, long seed, Chunk body) {
        double[] out = new double[resamples];
        int chunks = (resamples + CHUNK - 1) / CHUNK;
        IntStream range = IntStream.range(0, chunks);
        if (chunks > 1) {
            range = range.parallel();
        }
        range.forEach(c -> body.run(SplitMix64.forChunk(seed, c), out, c * CHUNK, Math.min(resamples, (c + 1) * CHUNK)));
        return out;
    }

    /** One resample of {@code k} units: the drawn indices, reused by callers that need them. */
    static void drawIndices(SplitMix64 rng, int[] into, int k) {
        for (int j = 0; j < into.length; j++) {
            into[j] = rng.nextIndex(k);
        }
    }

    static void checkArgs(double level, int resamples) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be strictly between 0 and 1, got " + level);
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
        }
    }

    static void checkBootstrapMethod(Method method) {
        if (method != Method.PERCENTILE && method != Method.BCA) {
            throw new IllegalArgumentException("bootstrap method must be percentile or bca, got " + method.label());
        }
    }
}
