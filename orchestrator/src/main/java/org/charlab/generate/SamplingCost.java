package org.charlab.generate;

import java.util.SplittableRandom;

/**
 * What drawing one token costs in Java, for {@code charlab bench model}: the part of a decode step
 * spent after the forward pass, per row of logits ({@link TokenSampler}).
 */
public final class SamplingCost {

    private SamplingCost() {
    }

    /**
     * Microseconds per row to draw with {@code p} from rows of {@code vocab} normal logits with
     * standard deviation {@code sd} (about 0.25 for the bench's random weights, a few for a
     * trained model's peaked rows); the best of five passes over 2,048 rows, after one warm-up pass.
     */
    public static double microsPerRow(int vocab, double sd, SamplingParams p) {
        int rows = 2048;
        float[] logits = new float[rows * vocab];
        SplittableRandom gen = new SplittableRandom(1);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (gen.nextGaussian() * sd);
        }
        TokenSampler s = new TokenSampler(vocab);
        double best = Double.POSITIVE_INFINITY;
        long sink = 0;
        for (int pass = 0; pass < 6; pass++) {
            SplittableRandom rng = new SplittableRandom(pass);
            long t0 = System.nanoTime();
            for (int r = 0; r < rows; r++) {
                sink += s.draw(logits, r * vocab, p, rng);
            }
            double us = (System.nanoTime() - t0) / 1e3 / rows;
            if (pass > 0) {
                best = Math.min(best, us);
            }
        }
        return sink == Long.MIN_VALUE ? -1 : best; // the draws are used: no pass is optimised away
    }
}
