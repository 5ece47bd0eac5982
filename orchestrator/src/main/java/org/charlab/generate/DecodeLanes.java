package org.charlab.generate;

import java.util.ArrayList;
import java.util.List;
import org.charlab.model.Decoder;
import org.charlab.model.Lanes;
import org.charlab.model.ModelConfig;

/**
 * Decoding a small model on CPU in lanes ({@link Lanes}): lane threads with one intra-op thread
 * each and autograd off, each decoding with its own KV cache either whole batches (when a call has
 * at least {@link Lanes#parts()} batches: one per core of the machine) or, for a call with fewer,
 * each batch's rows cut into that many contiguous shares.
 *
 * <p>Why: a small model's decode step is bound by per-op overhead (10-30 us per native call at
 * batch 32 whatever the op's size), not FLOPs. Splitting each tiny op over two OpenMP threads buys
 * nothing and, under OMP_WAIT_POLICY=PASSIVE (the launcher's default), wakes a sleeping thread on
 * every op: a tiny-model step at batch 32 took 28 ms with two intra-op threads and 8.7 ms with one.
 * Lanes keep both cores busy with whole op sequences instead; whole batches per lane amortise each
 * step's ops over more rows (8.7 ms for 32 rows against 6 ms for 16).
 *
 * <p>Only for models whose weights fit {@link #MAX_WEIGHT_BYTES}: larger ones are bound by matmuls
 * and weight reads, and every lane reads every weight each step. A row's tokens depend on the split
 * only through float rounding in batched kernels, as on any batch split; the split is fixed by the
 * machine's cores, the batch size and the number of rows - not by how many lane threads run it
 * ({@link Lanes#threads()}, the stage's share of the cores) nor by which is free first - so a
 * configuration draws the same samples under {@code --jobs 1} and {@code --jobs 2}.
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

    /** Whether {@code model} decodes in lanes: on CPU, weights up to {@link #MAX_WEIGHT_BYTES}. */
    static boolean applies(Decoder model) {
        return !model.manager().getDevice().isGpu() && laneSized(model.config());
    }

    /** Rows [from, to) of a call, decoded as one batch with its own KV cache. */
    record Share(int from, int to) {
    }

    /**
     * What a call of {@code rows} rows decodes as, {@code batchSize} rows at most per batch, on a machine
     * of {@code parts} cores: its batches whole when there are at least {@code parts} of them (an eval
     * stage's hundreds of prompts), else each batch's rows cut into min(parts, rows) contiguous shares
     * (one batch of 32 on 2 cores: rows 0-15 and 16-31). No thread count enters: one lane thread decodes
     * the same shares as many, one after another.
     */
    static List<Share> shares(int rows, int batchSize, int parts) {
        List<Share> out = new ArrayList<>();
        int batches = (rows + batchSize - 1) / batchSize;
        for (int i = 0; i < rows; i += batchSize) {
            int n = Math.min(rows, i + batchSize) - i;
            int cut = batches >= parts ? 1 : Math.min(parts, n);
            for (int k = 0; k < cut; k++) {
                out.add(new Share(i + (int) ((long) n * k / cut), i + (int) ((long) n * (k + 1) / cut)));
            }
        }
        return out;
    }

    /** Whether a model of {@code cfg} is small enough to decode in lanes on CPU. */
    static boolean laneSized(ModelConfig cfg) {
        return cfg.parameterCount() * 4 <= MAX_WEIGHT_BYTES;
    }
}
