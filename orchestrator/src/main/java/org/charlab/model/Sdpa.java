package org.charlab.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

/**
 * PyTorch's fused scaled-dot-product attention, {@code torch.nn.functional.scaled_dot_product_attention}
 * (Vaswani et al. 2017, eq. 1: softmax(q k^T + mask) v, with the scale already folded into q), which
 * DJL's JNI does not expose: reached through a TorchScript module holding nothing but the call
 * ({@link TorchScriptModule} writes its archive and loads it once per device). On CPU the
 * fused kernel (flash attention) never materialises the [B, H, T, S] scores and its backward pass is
 * one op, not a softmax backward and two batched matmuls; on CUDA it picks the memory-efficient kernel.
 *
 * <p>Calls run the module with autograd as the calling thread has it (DJL's training-mode call,
 * without its no-grad guard) and with the graph executor's optimiser off for the thread, so each
 * call is the one op, never a profiled or re-specialised graph.
 */
public final class Sdpa {

    /** The module's methods as {@code torch.jit.save} prints them (code/__torch__.py, below the class header). */
    static final String METHODS = """
              def forward(self: __torch__.Sdpa,
                q: Tensor,
                k: Tensor,
                v: Tensor,
                mask: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v, mask, 0., False, scale=1.)
              def unmasked(self: __torch__.Sdpa,
                q: Tensor,
                k: Tensor,
                v: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=1.)
            """;

    private Sdpa() {
    }

    /**
     * softmax(q k^T + mask) v for q [B, H, Tq, hd] (scale folded in), k and v [B, H, S, hd] and an
     * additive mask broadcastable to [B, H, Tq, S] (null: none); returns [B, H, Tq, hd] in q's manager.
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        NDList in = mask == null ? new NDList(q, k, v) : new NDList(q, k, v, mask);
        if (mask == null) {
            NDArray method = q.getManager().create(0f);
            method.setName("module_method:unmasked"); // DJL's convention for naming the method to run
            in.add(method);
        }
        JniUtils.setGraphExecutorOptimize(false);
        return module(q.getDevice()).forward(new ParameterStore(q.getManager(), false), in, true).singletonOrThrow();
    }

    private static PtSymbolBlock module(Device device) {
        return TorchScriptModule.load("Sdpa", METHODS, device);
    }
}
