package org.charlab.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TokenSamplerTest {

    @Test
    void greedyTopKAndTopPKeepTheTokensTheyShould() {
        float[] logits = {0f, 5f, 4.9f, -3f, 1f};
        TokenSampler s = new TokenSampler(5);
        SplittableRandom r = new SplittableRandom(1);
        assertEquals(1, s.draw(logits, 0, SamplingParams.greedy(1), r));
        SamplingParams k2 = SamplingParams.sampled(1.0, 1.0, 1, 1).withTopK(2);
        for (int i = 0; i < 200; i++) {
            int t = s.draw(logits, 0, k2, r);
            assertTrue(t == 1 || t == 2, "top-2 drew " + t);
        }
        SamplingParams p1 = SamplingParams.sampled(1.0, 0.3, 1, 1);
        for (int i = 0; i < 200; i++) {
            assertEquals(1, s.draw(logits, 0, p1, r));
        }
        int[] hist = new int[5];
        SamplingParams full = SamplingParams.sampled(1.0, 1.0, 1, 1);
        for (int i = 0; i < 4000; i++) {
            hist[s.draw(logits, 0, full, r)]++;
        }
        assertTrue(hist[4] > 0 && hist[0] > 0, "full distribution reaches unlikely tokens");
        assertEquals(0.52, hist[1] / 4000.0, 0.04);
    }

    /**
     * The selection-based cuts keep exactly the tokens a full descending sort keeps: the same token
     * for the same random state, over rows with and without ties (logits rounded to a coarse grid),
     * at several temperatures, top-k and top-p, rows read at an offset into a batch.
     */
    @Test
    @Timeout(60) // a selection that stops shrinking its range would spin forever, not fail
    void drawsTheSameTokenAsTheSortingReference() {
        SplittableRandom gen = new SplittableRandom(7);
        int vocab = 300;
        TokenSampler s = new TokenSampler(vocab);
        int draws = 0;
        for (int trial = 0; trial < 3000; trial++) {
            float[] batch = new float[3 * vocab];
            boolean coarse = trial % 3 == 0; // many ties
            for (int i = 0; i < batch.length; i++) {
                double x = gen.nextGaussian() * (1 + trial % 5);
                batch[i] = coarse ? Math.round(x) : (float) x;
            }
            double temp = new double[] {0.3, 0.7, 1.0, 1.5}[trial % 4];
            double topP = new double[] {1.0, 0.95, 0.9, 0.5, 0.1}[trial % 5];
            int topK = new int[] {0, 0, 1, 5, 40, 299}[trial % 6];
            SamplingParams p = new SamplingParams(temp, topP, topK, 1, 1, true, 1);
            int off = (trial % 3) * vocab;
            long seed = gen.nextLong();
            assertEquals(reference(batch, off, vocab, p, new SplittableRandom(seed)),
                    s.draw(batch, off, p, new SplittableRandom(seed)), "trial " + trial + " " + p);
            draws++;
        }
        assertEquals(3000, draws);
    }

    /**
     * Rows that take the bucketing through its corners, at charworld's vocabulary: all logits
     * equal (one value range of width zero), nearly flat (the nucleus is most of the vocabulary),
     * spread over hundreds of nats (many rounds, each narrowing the range 256-fold), one spike over
     * a flat floor, and a few distinct values with many ties.
     */
    @Test
    @Timeout(60)
    void extremeRowsDrawTheSameTokenAsTheSortingReference() {
        int vocab = 1024;
        TokenSampler s = new TokenSampler(vocab);
        SplittableRandom gen = new SplittableRandom(11);
        for (int trial = 0; trial < 600; trial++) {
            float[] row = new float[vocab];
            int kind = trial % 5;
            for (int i = 0; i < vocab; i++) {
                row[i] = switch (kind) {
                    case 0 -> 0.25f;
                    case 1 -> (float) (gen.nextGaussian() * 0.01);
                    case 2 -> (float) (gen.nextGaussian() * 150);
                    case 3 -> i == trial % vocab ? 12f : (float) (gen.nextGaussian() * 1e-3);
                    default -> gen.nextInt(4);
                };
            }
            double topP = new double[] {0.999999, 0.95, 0.5, 1e-9}[trial % 4];
            int topK = new int[] {0, 0, 1, 700, 1023}[(trial / 5) % 5];
            SamplingParams p = new SamplingParams(1.0, topP, topK, 1, 1, true, 1);
            long seed = gen.nextLong();
            assertEquals(reference(row, 0, vocab, p, new SplittableRandom(seed)),
                    s.draw(row, 0, p, new SplittableRandom(seed)), "trial " + trial + " kind " + kind + " " + p);
        }
    }

    /** The sort-based sampler charlab used before TokenSampler: the semantics the selection must keep. */
    static int reference(float[] logits, int off, int vocab, SamplingParams p, SplittableRandom rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double[] prob = new double[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            prob[i] = Math.exp((logits[off + i] - max) / p.temperature());
            sum += prob[i];
        }
        for (int i = 0; i < vocab; i++) {
            prob[i] /= sum;
        }
        if (p.topK() > 0 && p.topK() < vocab) {
            double[] sorted = prob.clone();
            Arrays.sort(sorted);
            double kth = sorted[vocab - p.topK()];
            for (int i = 0; i < vocab; i++) {
                if (prob[i] < kth) {
                    prob[i] = 0;
                }
            }
        }
        if (p.topP() < 1) {
            double[] sorted = prob.clone();
            Arrays.sort(sorted);
            double kept = 0;
            double total = 0;
            for (double v : sorted) {
                total += v;
            }
            double cut = 0;
            for (int i = vocab - 1; i >= 0; i--) {
                kept += sorted[i];
                cut = sorted[i];
                if (kept >= p.topP() * total) {
                    break;
                }
            }
            for (int i = 0; i < vocab; i++) {
                if (prob[i] < cut) {
                    prob[i] = 0;
                }
            }
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
}
