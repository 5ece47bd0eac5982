package org.charlab.generate;

import java.util.SplittableRandom;

/**
 * Draws one token from a row of logits: greedy at temperature 0 (first maximum); otherwise
 * softmax(logits / T) restricted to the top-k, then to the smallest set of most likely tokens
 * reaching top-p of the remaining mass (ties at either cut are kept), renormalised, and sampled
 * with one uniform draw scanned in id order.
 *
 * <p>Both cuts are found by selection (three-way partitioning of a scratch copy, expected O(V))
 * instead of sorting the vocabulary; at batch 32 sorting cost about 4 ms per decode step, as much
 * as half the forward pass of the tiny model. The cuts are the values a descending sort would give,
 * so the kept set is the same; only the top-p mass is summed in another order, which can move the
 * cut only when a prefix sum lies within rounding of top_p x total. One instance holds scratch
 * arrays for one vocabulary size and is not thread-safe.
 */
final class TokenSampler {

    private final int vocab;
    private final double[] prob;
    private final double[] work;

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
            zeroBelow(kthLargest(p.topK()));
        }
        if (p.topP() < 1) {
            double total = 0;
            for (double v : prob) {
                total += v;
            }
            zeroBelow(nucleusCut(p.topP() * total));
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

    /** The k-th largest probability (counting ties): a descending sort's element k - 1. */
    private double kthLargest(int k) {
        System.arraycopy(prob, 0, work, 0, vocab);
        int lo = 0;
        int hi = vocab;
        int need = k; // rank sought within work[lo, hi)
        while (true) {
            double pivot = work[lo + (hi - lo) / 2];
            long bounds = partition(lo, hi, pivot);
            int gt = (int) (bounds >>> 32);
            int lt = (int) bounds;
            int greater = gt - lo;
            if (need <= greater) {
                hi = gt;
            } else if (need <= lt - lo) {
                return pivot;
            } else {
                need -= lt - lo;
                lo = lt;
            }
        }
    }

    /**
     * The smallest probability a descending scan keeps when it stops at the first prefix whose sum
     * reaches {@code target}; the smallest probability of all when none does (rounding).
     */
    private double nucleusCut(double target) {
        System.arraycopy(prob, 0, work, 0, vocab);
        int lo = 0;
        int hi = vocab;
        double need = target;
        while (lo < hi) {
            double pivot = work[lo + (hi - lo) / 2];
            long bounds = partition(lo, hi, pivot);
            int gt = (int) (bounds >>> 32);
            int lt = (int) bounds;
            double above = 0;
            for (int i = lo; i < gt; i++) {
                above += work[i];
            }
            double ties = 0;
            for (int i = gt; i < lt; i++) {
                ties += work[i];
            }
            if (above >= need) {
                hi = gt; // the scan stops before reaching the pivot
            } else if (above + ties >= need) {
                return pivot;
            } else {
                need -= above + ties;
                lo = lt;
            }
        }
        return min();
    }

    private double min() {
        double m = Double.POSITIVE_INFINITY;
        for (double v : prob) {
            m = Math.min(m, v);
        }
        return m;
    }

    /**
     * Dutch-flag partition of work[lo, hi) in descending order around {@code pivot}: values above
     * it in [lo, gt), equal in [gt, lt), below in [lt, hi). Returns gt in the high and lt in the
     * low 32 bits.
     */
    private long partition(int lo, int hi, double pivot) {
        int gt = lo;
        int i = lo;
        int lt = hi;
        while (i < lt) {
            double v = work[i];
            if (v > pivot) {
                work[i] = work[gt];
                work[gt] = v;
                gt++;
                i++;
            } else if (v < pivot) {
                lt--;
                work[i] = work[lt];
                work[lt] = v;
            } else {
                i++;
            }
        }
        return ((long) gt << 32) | (lt & 0xffffffffL);
    }
}
