package org.charlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Rotary position embeddings in the Hugging Face Llama convention: the head vector is split in
 * halves (x1, x2), {@code rotate_half(x) = cat(-x2, x1)}, and
 * {@code rope(x, p) = x * cos(p * f) + rotate_half(x) * sin(p * f)} with the inverse frequencies
 * {@code f} of {@link RopeScaling#inverseFrequencies} (default: {@code f_i = theta^(-2i/head_dim)})
 * repeated for both halves.
 *
 * <p>Two tricks keep the JNI op count low: {@code rotate_half} is one matmul with a fixed signed
 * permutation matrix {@link #rotateHalf} ([head_dim, head_dim]), and the query tables are
 * pre-multiplied by the attention scale (1/sqrt(head_dim), or Gemma 3's query_pre_attn_scalar^-1/2),
 * so scaling the scores costs nothing.
 */
public final class Rope {

    /** [max_pos, head_dim] cos/sin tables for keys. */
    final NDArray cosK;
    final NDArray sinK;
    /** [max_pos, head_dim] the same tables times 1/sqrt(head_dim), for queries. */
    final NDArray cosQ;
    final NDArray sinQ;
    /** [head_dim, head_dim]: x.matMul(rotateHalf) == cat(-x2, x1). */
    final NDArray rotateHalf;
    final int maxPos;
    final int headDim;

    /**
     * Tables for positions 0..maxPos-1.
     *
     * @param invFreq the head_dim/2 inverse frequencies (float32, as HF computes them)
     * @param queryScale the attention score scale folded into the query tables
     */
    Rope(int maxPos, int headDim, float[] invFreq, double queryScale, NDManager manager) {
        this.maxPos = maxPos;
        this.headDim = headDim;
        int half = headDim / 2;
        float scale = (float) queryScale;
        float[] c = new float[maxPos * headDim];
        float[] s = new float[maxPos * headDim];
        float[] cq = new float[maxPos * headDim];
        float[] sq = new float[maxPos * headDim];
        for (int p = 0; p < maxPos; p++) {
            for (int i = 0; i < half; i++) {
                // freqs = inv_freq @ position_ids in float32, as HF
                float angle = (float) p * invFreq[i];
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                c[p * headDim + i] = cv;
                c[p * headDim + i + half] = cv;
                s[p * headDim + i] = sv;
                s[p * headDim + i + half] = sv;
            }
        }
        for (int i = 0; i < c.length; i++) {
            cq[i] = c[i] * scale;
            sq[i] = s[i] * scale;
        }
        Shape table = new Shape(maxPos, headDim);
        cosK = manager.create(c, table);
        sinK = manager.create(s, table);
        cosQ = manager.create(cq, table);
        sinQ = manager.create(sq, table);
        float[] r = new float[headDim * headDim];
        for (int j = 0; j < half; j++) {
            r[(j + half) * headDim + j] = -1f; // out[j] = -x[j + half]
            r[j * headDim + j + half] = 1f; // out[j + half] = x[j]
        }
        rotateHalf = manager.create(r, new Shape(headDim, headDim));
    }

    /** cos/sin for queries (scaled) and keys, each [B or 1, T, 1, head_dim], in the step's manager. */
    record Angles(NDArray cosQ, NDArray sinQ, NDArray cosK, NDArray sinK) {
    }

    /** Positions start..start+T-1 for every row (training, or a cache without padding). */
    Angles range(NDManager step, int start, int t) {
        NDIndex idx = new NDIndex("{}:{}", start, start + t);
        Shape sh = new Shape(1, t, 1, headDim);
        return new Angles(slice(cosQ, idx, sh, step), slice(sinQ, idx, sh, step), slice(cosK, idx, sh, step),
                slice(sinK, idx, sh, step));
    }

    private static NDArray slice(NDArray table, NDIndex idx, Shape sh, NDManager step) {
        NDArray v = table.get(idx);
        v.attach(step);
        return v.reshape(sh);
    }

    /** Per-row positions {@code positions} [B, T] (int64), e.g. for left-padded batches. */
    Angles at(NDArray positions) {
        Shape s = positions.getShape();
        Shape sh = new Shape(s.get(0), s.get(1), 1, headDim);
        return new Angles(gather(positions, cosQ, sh), gather(positions, sinQ, sh), gather(positions, cosK, sh),
                gather(positions, sinK, sh));
    }

    private static NDArray gather(NDArray positions, NDArray table, Shape sh) {
        return JniUtils.embedding((PtNDArray) positions, (PtNDArray) table, false).reshape(sh);
    }

    /**
     * [max_pos, 4 head_dim]: cosQ | cosK | sinQ | sinK per position, built on first fused use (by
     * one thread: decode lanes share this table).
     */
    private volatile NDArray perPosition;

    private NDArray perPosition() {
        NDArray p = perPosition;
        if (p == null) {
            synchronized (this) {
                if (perPosition == null) {
                    NDArray cos = cosQ.stack(cosK, 1);
                    NDArray sin = sinQ.stack(sinK, 1);
                    NDArray both = cos.concat(sin, 1); // [max_pos, 4, head_dim]
                    perPosition = both.reshape(maxPos, 4L * headDim);
                    for (NDArray tmp : new NDArray[] {cos, sin, both}) {
                        tmp.close();
                    }
                }
                p = perPosition;
            }
        }
        return p;
    }

    /**
     * cos and sin for fused q and k heads, each [B or 1, T, H + KV, head_dim] (the scaled query
     * tables on the H query heads, the key tables on the KV key heads): one gather of the four
     * tables and one pick of {@code headMap} (2 (H + KV) indices into them), instead of four
     * gathers and a concatenation per table.
     *
     * @param positions [B, T] int64, or null for start..start+T-1 in every row
     */
    NDArray[] qkTables(NDArray positions, NDManager step, int start, int t, NDArray headMap) {
        NDArray table = perPosition();
        NDArray rows;
        long b;
        if (positions == null) {
            rows = table.get(new NDIndex("{}:{}", start, start + t));
            rows.attach(step);
            b = 1;
        } else {
            rows = JniUtils.embedding((PtNDArray) positions, (PtNDArray) table, false);
            b = positions.getShape().get(0);
        }
        NDArray heads = rows.reshape(b, t, 4, headDim).get(new NDIndex(":, :, {}", headMap));
        long n = headMap.getShape().get(0) / 2;
        NDList cs = JniUtils.split((PtNDArray) heads, new long[] {n, n}, 2);
        return new NDArray[] {cs.get(0), cs.get(1)};
    }

    /** x [B, T, heads, head_dim] rotated: x * cos + rotate_half(x) * sin. */
    NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotateHalf).mul(sin));
    }
}
