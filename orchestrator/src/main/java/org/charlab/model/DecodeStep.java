package org.charlab.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

/**
 * One cached decode step of a Llama-style decoder (one new position per row) as a single
 * TorchScript call: the same aten ops, in the same order and on the same layouts, as
 * {@link Decoder}'s fused inference path with a {@link KvCache}, so the logits are the same bit for
 * bit (DecodeStepTest). What it saves is per-op overhead: a small model's decode step is ~186 tiny
 * native calls, each 5-40 us through DJL and 4-5 us inside one TorchScript call (BENCHMARKS.md,
 * "bench model"; orchestrator/src/test/python/decode_step_bound.py measures the same step in Python).
 *
 * <p>For the models it covers: no biases, no q/k norms, SwiGLU, full attention in every layer, fp32
 * weights, on CPU (Gemma 3, Qwen2's biases, sliding windows and GPU decode op by op). One instance
 * holds the weights' IValues for one {@link Decoder#fuseForInference} scope; calls from several lane
 * threads share it (IValues are reference-counted; nothing here mutates them).
 */
final class DecodeStep implements AutoCloseable {

    /** The step's method as torch.jit.save prints it (code/__torch__.py, below the class header); mirrors Decoder.forward. */
    static final String METHODS = """
              def forward(self: __torch__.DecodeStep,
                ids: Tensor,
                cos: Tensor,
                sin: Tensor,
                mask: Tensor,
                length: int,
                kv_heads: int,
                eps: Tensor,
                rotate_half: Tensor,
                embed: Tensor,
                input_norm: List[Tensor],
                qkv: List[Tensor],
                wo: List[Tensor],
                ffn_norm: List[Tensor],
                gate_up: List[Tensor],
                down: List[Tensor],
                final_norm: Tensor,
                lm_head: Tensor,
                keys: List[Tensor],
                values: List[Tensor]) -> Tensor:
                b = ids.size(0)
                hd = rotate_half.size(0)
                heads = cos.size(2) - kv_heads
                groups = heads // kv_heads
                inter = down[0].size(1)
                # token embedding: [B, 1, D]
                x = torch.embedding(embed, ids)
                for l in range(len(qkv)):
                  # attention rmsnorm
                  h = torch.mul(torch.div(x, torch.sqrt(torch.add(torch.mean(torch.square(x), [-1], True), eps))), input_norm[l])
                  # one qkv matmul [B, 1, H + 2 KV, hd] -> qk [B, 1, H + KV, hd] and v; RoPE on qk; q, k
                  qkv_l = torch.split_with_sizes(torch.reshape(torch.linear(h, qkv[l]), [b, 1, heads + 2 * kv_heads, hd]), [heads + kv_heads, kv_heads], 2)
                  qk = qkv_l[0]
                  qk = torch.add(torch.mul(qk, cos), torch.mul(torch.matmul(qk, rotate_half), sin))
                  q_k = torch.split_with_sizes(qk, [heads, kv_heads], 2)
                  # q [B, KV, G, hd]; k, v [B, KV, 1, hd]; keys cached transposed [B, KV, hd, S]
                  q = torch.reshape(q_k[0], [b, kv_heads, groups, hd])
                  k = torch.reshape(q_k[1], [b, kv_heads, 1, hd])
                  v = torch.reshape(qkv_l[1], [b, kv_heads, 1, hd])
                  keys[l][:, :, :, length:length + 1] = torch.permute(k, [0, 1, 3, 2])
                  values[l][:, :, length:length + 1, :] = v
                  # softmax(q k^T + mask) v over the S = length + 1 cached positions
                  scores = torch.add(torch.matmul(q, keys[l][:, :, :, 0:length + 1]), mask)
                  att = torch.matmul(torch.softmax(scores, -1), values[l][:, :, 0:length + 1, :])
                  # heads together, output projection, residual
                  x = torch.add(x, torch.linear(torch.reshape(att, [b, 1, heads * hd]), wo[l]))
                  # ffn rmsnorm, one gate/up matmul, SwiGLU, down, residual
                  h = torch.mul(torch.div(x, torch.sqrt(torch.add(torch.mean(torch.square(x), [-1], True), eps))), ffn_norm[l])
                  g_u = torch.split_with_sizes(torch.linear(h, gate_up[l]), [inter, inter], -1)
                  g = g_u[0]
                  x = torch.add(x, torch.linear(torch.mul(torch.mul(g, torch.sigmoid(g)), g_u[1]), down[l]))
                # final rmsnorm and classifier: [B, 1, V]
                x = torch.mul(torch.div(x, torch.sqrt(torch.add(torch.mean(torch.square(x), [-1], True), eps))), final_norm)
                return torch.linear(x, lm_head)
            """;

    private final PtSymbolBlock module;
    /** The per-scope inputs: kv_heads, eps, rotate_half, embed, the six weight lists, final_norm, lm_head. */
    private final IValue[] weights;

    DecodeStep(Device device, int kvHeads, NDArray eps, NDArray rotateHalf, NDArray embed, NDArray[] inputNorm,
            NDArray[] qkv, NDArray[] wo, NDArray[] ffnNorm, NDArray[] gateUp, NDArray[] down, NDArray finalNorm,
            NDArray lmHead) {
        this.module = TorchScriptModule.load("DecodeStep", METHODS, device);
        this.weights = new IValue[] {IValue.from(kvHeads), pt(eps), pt(rotateHalf), pt(embed), list(inputNorm),
                list(qkv), list(wo), list(ffnNorm), list(gateUp), list(down), pt(finalNorm), pt(lmHead)};
    }

    /**
     * Logits [B, 1, V] for {@code ids} [B, 1] after the {@code cache}'s filled positions, writing
     * the new keys and values at position cache.length() (the caller advances the cache).
     *
     * @param cos  the fused q/k rotary cosines of the new position, [B, 1, H + KV, hd] ({@link Rope#qkTables})
     * @param sin  the sines likewise
     * @param mask the additive key mask [B, 1, 1, S]
     */
    NDArray run(NDArray ids, NDArray cos, NDArray sin, NDArray mask, KvCache cache) {
        IValue[] in = new IValue[5 + weights.length + 2];
        in[0] = pt(ids);
        in[1] = pt(cos);
        in[2] = pt(sin);
        in[3] = pt(mask);
        in[4] = IValue.from((long) cache.length());
        System.arraycopy(weights, 0, in, 5, weights.length);
        in[in.length - 2] = list(cache.keys());
        in[in.length - 1] = list(cache.values());
        JniUtils.setGraphExecutorOptimize(false); // run the code as written: no profiling, no re-specialising
        try (IValue out = IValueUtils.runMethod(module, "forward", in)) {
            return out.toTensor((PtNDManager) ids.getManager());
        } finally {
            for (int i = 0; i < in.length; i++) {
                if (i < 5 || i >= 5 + weights.length) {
                    in[i].close();
                }
            }
        }
    }

    private static IValue pt(NDArray a) {
        return IValue.from((PtNDArray) a);
    }

    private static IValue list(NDArray[] arrays) {
        PtNDArray[] p = new PtNDArray[arrays.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (PtNDArray) arrays[i];
        }
        return IValue.listFrom(p);
    }

    @Override
    public void close() {
        for (IValue w : weights) {
            w.close();
        }
    }
}
