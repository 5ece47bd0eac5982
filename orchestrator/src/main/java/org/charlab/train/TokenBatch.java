package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.charlab.model.Decoder;

/**
 * Next-token training rows, right-padded: {@code inputs[b, t] = ids[t]}, {@code targets[b, t] =
 * ids[t + 1]}, {@code mask[b, t] = tokenMask[t + 1]} (a token's mask says whether predicting it
 * counts, e.g. {@link org.charlab.model.FormattedChat#assistantMask}). Padding has mask 0; right
 * padding is invisible to earlier positions under the causal mask.
 *
 * <p>Packed rows ({@link Packing}) also carry, per input position, the document it belongs to
 * ({@code docs}, padding -1) and its position within that document ({@code positions}, 0 at each
 * document start); both are null when no row is packed. A target that lies in the next document
 * ({@code docs[t] != docs[t + 1]}) has mask 0: the last token of one document never learns to
 * predict the first token of the next, as it would not if each document had a row of its own.
 */
public record TokenBatch(long[] inputs, long[] targets, float[] mask, long[] positions, long[] docs, int rows,
        int cols) {

    /** Document id of padding: a block of its own, never seen by real tokens. */
    public static final long PAD_DOC = -1;

    /** Rows of one document each. */
    public static TokenBatch of(List<int[]> ids, List<float[]> tokenMasks, int padId) {
        return of(ids, tokenMasks, null, padId);
    }

    /**
     * @param docs per row, each token's document index ({@link TokenRow#docs()}); null, or null
     *     entries, for rows of one document. Without any multi-document row the batch is built as by
     *     {@link #of(List, List, int)} (no positions, no document ids).
     */
    public static TokenBatch of(List<int[]> ids, List<float[]> tokenMasks, List<int[]> docs, int padId) {
        boolean packed = docs != null && docs.stream().anyMatch(d -> d != null && d.length > 0 && d[d.length - 1] > 0);
        int rows = ids.size();
        int cols = 1;
        for (int[] s : ids) {
            cols = Math.max(cols, s.length - 1);
        }
        long[] in = new long[rows * cols];
        long[] tg = new long[rows * cols];
        float[] m = new float[rows * cols];
        long[] pos = packed ? new long[rows * cols] : null;
        long[] doc = packed ? new long[rows * cols] : null;
        Arrays.fill(in, padId);
        Arrays.fill(tg, padId);
        if (packed) {
            Arrays.fill(doc, PAD_DOC);
        }
        for (int r = 0; r < rows; r++) {
            int[] s = ids.get(r);
            float[] tm = tokenMasks.get(r);
            int[] d = packed ? docs.get(r) : null;
            if (tm.length != s.length) {
                throw new IllegalArgumentException("row " + r + ": mask length " + tm.length + " != ids " + s.length);
            }
            if (d != null && d.length != s.length) {
                throw new IllegalArgumentException("row " + r + ": docs length " + d.length + " != ids " + s.length);
            }
            int start = 0; // where the current document began
            for (int t = 0; t + 1 < s.length; t++) {
                int i = r * cols + t;
                in[i] = s[t];
                tg[i] = s[t + 1];
                m[i] = tm[t + 1];
                if (packed) {
                    int dt = d == null ? 0 : d[t];
                    if (t > 0 && d != null && d[t - 1] != dt) {
                        start = t;
                    }
                    doc[i] = dt;
                    pos[i] = t - start;
                    if (d != null && d[t + 1] != dt) {
                        m[i] = 0f; // the target is the next document's first token
                    }
                }
            }
        }
        return new TokenBatch(in, tg, m, pos, doc, rows, cols);
    }

    /** Whether some row holds more than one document. */
    public boolean packed() {
        return docs != null;
    }

    /**
     * The decoder's logits [B, T, V] for these inputs: the plain causal pass, or for packed rows the
     * block-diagonal pass (per-document causal attention and positions).
     */
    public NDArray logits(Decoder model, NDManager m) {
        if (!packed()) {
            return model.logits(inputs(m));
        }
        return model.packedLogits(inputs(m), positions(m), docs(m));
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

    /** [B, T] int64 position of each input within its document (packed batches only). */
    public NDArray positions(NDManager m) {
        return m.create(positions, new Shape(rows, cols));
    }

    /** [B, T] int64 document id of each input, {@link #PAD_DOC} for padding (packed batches only). */
    public NDArray docs(NDManager m) {
        return m.create(docs, new Shape(rows, cols));
    }
}
