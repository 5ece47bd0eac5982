package org.charlab.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws one token from a row of logits: greedy at temperature 0 (first maximum); otherwise
 * softmax(logits / T) restricted to the top-k, then to the smallest set of most likely tokens
 * reaching top-p of the remaining mass (ties at either cut are kept), renormalised, and sampled
 * with one uniform draw scanned in id order.
 *
 * <p>Both cuts are found without sorting the vocabulary, by a radix-style select: the candidates
 * are counted into at most 256 buckets by how far their bit pattern lies below the largest one's
 * (non-negative doubles order like their bits, so that is a log scale over a wide range and ulps
 * over a narrow one), only the bucket in which the descending running total (of counts for top-k,
 * of probability for top-p) crosses the target is kept, and so on until at most
 * {@value #SORT_AT_MOST} remain to sort. Bucketing is branch-free where the three-way partitioning
 * it replaced mispredicted about every other element: 36-40 us per row of 1,024 ids at top_p 0.95
 * against 45-57, of which exp() takes about 20 (`charlab bench model` prints it; BENCHMARKS.md).
 * The cuts are the values a descending sort would give, so the kept set is the same; only the
 * top-p mass is summed in another order (bucket totals, then descending), which can move the cut
 * only when a prefix sum lies within rounding of top_p x total (none in 200,000 rows checked
 * against the old sampler and TokenSamplerTest's sort reference). One instance holds scratch
 * arrays for one vocabulary size and is not thread-safe.
 */
final class TokenSampler {

    /** Buckets per round: their totals stay in L1. */
    private static final int BUCKETS = 256;
    /** Candidates sorted directly rather than bucketed again. */
    static final int SORT_AT_MOST = 64;

    private final int vocab;
    private final double[] prob;
    private final double[] work;
    /** Per bucket, the weight the cut counts: probability for top-p, 1 per candidate for top-k. */
    private final double[] weight = new double[BUCKETS];

    TokenSampler(int vocab) {
        this.vocab = vocab;
        this.prob = new double[vocab];
        this.work = new double[vocab];
    }

    /** The token drawn from {@code logits[off, off + vocab)}. */
    int draw(float[] logits, int off, SamplingParams p, SplittableRandom rng) {
        if (p.temperature() == 0) {
            int best = 0;
            for (int i = 1; i < vocab; i++) {
                if (logits[off + i] > logits[off + best]) {
                    best = i;
                }
            }
            return best;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            prob[i] = Math.exp((logits[off + i] - max) / p.temperature());
            sum += prob[i];
        }
        for (int i = 0; i < vocab; i++) {
            prob[i] /= sum;
        }
        if (p.topK() > 0 && p.topK() < vocab) {
            zeroBelow(cut(p.topK(), false));
        }
        if (p.topP() < 1) {
            double total = 0;
            for (double v : prob) {
                total += v;
            }
            zeroBelow(cut(p.topP() * total, true));
        }
        double z = 0;
        for (double v : prob) {
            z += v;
        }
        double u = rng.nextDouble() * z;
        double acc = 0;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            if (prob[i] > 0) {
                acc += prob[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }

    private void zeroBelow(double cut) {
        for (int i = 0; i < vocab; i++) {
            if (prob[i] < cut) {
                prob[i] = 0;
            }
        }
    }

    /**
     * The value v among the probabilities at which a descending scan first reaches {@code target},
     * each value adding its probability ({@code byMass}) or 1: the values above v add up to less
     * than the target, those at or above it to at least the target. For a count k that is the k-th
     * largest (ties counted), for top_p x total the nucleus's smallest probability. When no scan
     * reaches the target (top_p within rounding of 1), the smallest candidate left: all of them kept.
     */
    private double cut(double target, boolean byMass) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            double v = prob[i];
            work[i] = v;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        int n = vocab; // candidates work[0, n), all within [lo, hi]
        double above = 0; // the weight of the values above every candidate
        while (n > SORT_AT_MOST && hi > lo) {
            // bucket = the distance below hi in bit patterns (monotone for values >= 0), shifted to
            // fewer than 256 buckets: a log scale over a wide range, ulps over a narrow one
            long top = Double.doubleToRawLongBits(hi);
            int shift = Math.max(0, 64 - Long.numberOfLeadingZeros(top - Double.doubleToRawLongBits(lo)) - 8);
            Arrays.fill(weight, 0);
            for (int i = 0; i < n; i++) {
                int b = (int) ((top - Double.doubleToRawLongBits(work[i])) >>> shift);
                weight[b] += byMass ? work[i] : 1;
            }
            // the bucket the running total crosses the target in, from the top; hi and lo fall in
            // different buckets, so every round drops at least one candidate
            int k = 0;
            while (k < BUCKETS && above + weight[k] < target) {
                above += weight[k];
                k++;
            }
            if (k == BUCKETS) {
                return lo;
            }
            int kept = 0;
            double keptLo = Double.POSITIVE_INFINITY;
            double keptHi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double v = work[i];
                if ((int) ((top - Double.doubleToRawLongBits(v)) >>> shift) == k) {
                    work[kept++] = v;
                    keptLo = Math.min(keptLo, v);
                    keptHi = Math.max(keptHi, v);
                }
            }
            n = kept;
            lo = keptLo;
            hi = keptHi;
        }
        Arrays.sort(work, 0, n);
        for (int i = n - 1; i >= 0; i--) {
            above += byMass ? work[i] : 1;
            if (above >= target) {
                return work[i];
            }
        }
        return work[0];
    }
}
