package org.charlab.generate;

import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.charlab.model.Decoder;
import org.charlab.model.Lanes;
import org.charlab.model.ModelConfig;

/**
 * Decoding a small model on CPU in lanes ({@link Lanes}): one lane thread per intra-op thread the
 * engine was given, each with one intra-op thread and autograd off, decoding with its own KV cache either whole batches
 * (when a call has at least as many batches as lanes) or a contiguous share of one batch's rows.
 *
 * <p>Why: a small model's decode step is bound by per-op overhead (10-30 us per native call at
 * batch 32 whatever the op's size), not FLOPs. Splitting each tiny op over two OpenMP threads buys
 * nothing and, under OMP_WAIT_POLICY=PASSIVE (the launcher's default), wakes a sleeping thread on
 * every op: a tiny-model step at batch 32 took 28 ms with two intra-op threads and 8.7 ms with one.
 * Lanes keep both cores busy with whole op sequences instead; whole batches per lane amortise each
 * step's ops over more rows (8.7 ms for 32 rows against 6 ms for 16).
 *
 * <p>Only for models whose weights fit {@link #MAX_WEIGHT_BYTES}: larger ones are bound by matmuls
 * and weight reads, and every lane reads every weight each step. A row's tokens depend on the lane
 * split only through float rounding in batched kernels, as on any batch split; the split is fixed
 * by the thread count, the batch size and the number of rows (not by which lane is free first), so
 * a configuration reproduces its samples.
 */
final class DecodeLanes {

    /**
     * Largest model (fp32 weight bytes) decoded in lanes. The 25m bench model (101 MB) decoded batch 32
     * at 507-582 tokens/s in two lanes against 164-231 on one caller with two intra-op threads
     * (PASSIVE, 2026-12-03); above this, every lane reading every weight each step may cost more than it
     * saves (not measured: real checkpoints decode on the caller).
     */
    static final long MAX_WEIGHT_BYTES = 256L << 20;

    private DecodeLanes() {
    }

    /**
     * How many lanes {@code rows} rows of {@code model} decode in: 0 (decode on the calling thread,
     * with the engine's intra-op threads) on a GPU or for a large model, else min(intra-op threads, rows).
     */
    static int lanes(Decoder model, int rows) {
        if (model.manager().getDevice().isGpu() || !laneSized(model.config())) {
            return 0;
        }
        return Math.max(1, Math.min(JniUtils.getNumThreads(), rows));
    }

    /** Whether a model of {@code cfg} is small enough to decode in lanes on CPU. */
    static boolean laneSized(ModelConfig cfg) {
        return cfg.parameterCount() * 4 <= MAX_WEIGHT_BYTES;
    }

    /** A share of rows [from, to) decoded by one lane. */
    @FunctionalInterface
    interface Part<T> {
        List<T> decode(int from, int to);
    }

    /** Rows 0..rows-1 split into {@code lanes} contiguous shares decoded at once; results in row order. */
    static <T> List<T> run(int lanes, int rows, Part<T> part) {
        return Lanes.each(lanes, lanes, i -> part.decode((int) ((long) rows * i / lanes), (int) ((long) rows * (i + 1) / lanes)));
    }
}
