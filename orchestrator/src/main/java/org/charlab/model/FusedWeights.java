package org.charlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Inference-only concatenations of a decoder's projection weights, so a forward pass without
 * autograd issues one matmul for q/k/v and one for gate/up per layer instead of five (shapes with
 * D=hidden, H=heads, KV=kv heads, hd=head_dim, I=intermediate):
 * <ul>
 *   <li>{@code qkv[l]} [(H + 2 KV) hd, D] = rows of q_proj, k_proj, v_proj; {@code qkvBias[l]} the
 *       biases likewise, or null;</li>
 *   <li>{@code gateUp[l]} [2 I, D] = rows of gate_proj over up_proj.</li>
 * </ul>
 * A copy, not a view: it is valid only while the weights do not change, so it lives for one
 * {@link Decoder#fuseForInference} scope (a generate call) and is released when that closes.
 */
public final class FusedWeights implements AutoCloseable {

    final NDArray[] qkv;
    final NDArray[] qkvBias;
    final NDArray[] gateUp;
    /** [2 (H + KV)] int64: which of Rope's four per-position tables each fused q/k head takes, cos then sin. */
    NDArray headMap;
    /** The whole cached decode step in one call, for the models it covers; else null. */
    DecodeStep step;
    private final NDManager manager;
    private final Runnable onClose;

    FusedWeights(NDManager manager, int layers, Runnable onClose) {
        this.manager = manager;
        this.onClose = onClose;
        this.qkv = new NDArray[layers];
        this.qkvBias = new NDArray[layers];
        this.gateUp = new NDArray[layers];
    }

    /** A scope that fused nothing (adapters attached, fp16 weights, too large, or already fused). */
    static FusedWeights none() {
        return new FusedWeights(null, 0, null);
    }

    /** a, b, ... stacked along axis 0, owned by this scope's manager. */
    NDArray rows(NDArray... parts) {
        NDArray c = NDArrays.concat(new NDList(parts), 0);
        c.attach(manager);
        return c;
    }

    /** {@code a}, now owned by this scope. */
    NDArray own(NDArray a) {
        a.attach(manager);
        return a;
    }

    /** Releases the copies; the decoder goes back to its separate projections. */
    @Override
    public void close() {
        if (onClose != null) {
            onClose.run();
        }
        if (step != null) {
            step.close();
        }
        if (manager != null) {
            manager.close();
        }
    }
}
