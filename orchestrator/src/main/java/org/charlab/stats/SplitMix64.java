package org.charlab.stats;

/**
 * SplitMix64 (Steele, Lea and Flood 2014; the generator behind java.util.SplittableRandom),
 * written out here so that the bootstrap streams are fixed by this file alone and cannot change
 * with a JDK, and so that drawing an index is one multiply instead of a division.
 */
final class SplitMix64 {

    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long MASK32 = 0xFFFF_FFFFL;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** The SplitMix64 output function (Stafford's variant 13). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The generator for chunk {@code chunk} of a bootstrap seeded with {@code seed}: chunks are
     * independent streams, so they can run on any thread in any order (as lm-evaluation-harness
     * seeds its bootstrap per chunk) and the result depends only on the seed.
     */
    static SplitMix64 forChunk(long seed, int chunk) {
        return new SplitMix64(mix64(seed ^ mix64((chunk + 1L) * GOLDEN_GAMMA)));
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    /**
     * A uniform index in [0, bound), bound > 0: Lemire's multiply-shift on the top 32 bits with
     * his rejection step, so every index has exactly the same probability (no modulo bias).
     */
    int nextIndex(int bound) {
        long m = (nextLong() >>> 32) * bound;
        if ((m & MASK32) < bound) {
            long threshold = (1L << 32) % bound;
            while ((m & MASK32) < threshold) {
                m = (nextLong() >>> 32) * bound;
            }
        }
        return (int) (m >>> 32);
    }

    /** A uniform double in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal deviate (Marsaglia polar method); for simulations in tests and benchmarks. */
    double nextGaussian() {
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
