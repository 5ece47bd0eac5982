package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Next-token training rows, right-padded: {@code inputs[b, t] = ids[t]}, {@code targets[b, t] =
 * ids[t + 1]}, {@code mask[b, t] = tokenMask[t + 1]} (a token's mask says whether predicting it
 * counts, e.g. {@link org.charlab.model.FormattedChat#assistantMask}). Padding has mask 0; right
 * padding is invisible to earlier positions under the causal mask.
 */
public record TokenBatch(long[] inputs, long[] targets, float[] mask, int rows, int cols) {

    public static TokenBatch of(List<int[]> ids, List<float[]> tokenMasks, int padId) {
        int rows = ids.size();
        int cols = 1;
        for (int[] s : ids) {
            cols = Math.max(cols, s.length - 1);
        }
        long[] in = new long[rows * cols];
        long[] tg = new long[rows * cols];
        float[] m = new float[rows * cols];
        java.util.Arrays.fill(in, padId);
        java.util.Arrays.fill(tg, padId);
        for (int r = 0; r < rows; r++) {
            int[] s = ids.get(r);
            float[] tm = tokenMasks.get(r);
            if (tm.length != s.length) {
                throw new IllegalArgumentException("row " + r + ": mask length " + tm.length + " != ids " + s.length);
            }
            for (int t = 0; t + 1 < s.length; t++) {
                in[r * cols + t] = s[t];
                tg[r * cols + t] = s[t + 1];
                m[r * cols + t] = tm[t + 1];
            }
        }
        return new TokenBatch(in, tg, m, rows, cols);
    }

    /** Tokens whose prediction counts. */
    public double maskedTokens() {
        double s = 0;
        for (float v : mask) {
            s += v;
        }
        return s;
    }

    public NDArray inputs(NDManager m) {
        return m.create(inputs, new Shape(rows, cols));
    }

    public NDArray targets(NDManager m) {
        return m.create(targets, new Shape(rows, cols));
    }

    public NDArray mask(NDManager m) {
        return m.create(mask, new Shape(rows, cols));
    }
}
