package org.charlab.model;

import java.util.List;

/**
 * The one place that counts what a decoder holds: parameters (checked against a real {@link Decoder}
 * by a test), trainable parameters with or without LoRA, the floats a training forward pass keeps,
 * and a KV cache. Plain arithmetic on a {@link ModelConfig}: no engine. Counts are in floats (fp32
 * elements); multiply by {@link #FP32} for bytes.
 *
 * <p>Names: D hidden, H query heads, KV key/value heads, hd head_dim, I intermediate, V vocabulary,
 * L layers, B batch rows, T tokens per row.
 */
public final class MemoryArithmetic {

    /** Bytes per fp32 element: weights, gradients, AdamW moments and activations are all fp32. */
    public static final long FP32 = 4;

    /**
     * The process before any model: the JVM (heap, classes) and libtorch's native libraries and
     * thread pools (175 MiB VmHWM after engine start), plus the heap and allocator slack the counted
     * arrays leave out (BENCHMARKS.md, "Memory estimate vs RSS").
     */
    public static final long RUNTIME_BYTES = 512L << 20;

    /** The projections of a layer, by PEFT's module names. */
    public static final List<String> PROJECTIONS = LoraTargets.MODULES;

    private MemoryArithmetic() {
    }

    /** {in, out} features of projection {@code module} (PEFT name) in every layer. */
    public static long[] projection(ModelConfig c, String module) {
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long in = c.intermediateSize();
        return switch (module) {
            case "q_proj" -> new long[] {d, q};
            case "k_proj", "v_proj" -> new long[] {d, kv};
            case "o_proj" -> new long[] {q, d};
            case "gate_proj", "up_proj" -> new long[] {d, in};
            case "down_proj" -> new long[] {in, d};
            default -> throw new IllegalArgumentException("no projection '" + module + "'; one of " + PROJECTIONS);
        };
    }

    /**
     * Scalar parameters of the decoder, the shapes of {@link Decoder#expectedShapes}: per layer the
     * seven projections, two RMSNorm weights (four for Gemma 3's sandwich norms), q/k/v biases (qwen2,
     * llama's attention_bias), an o_proj bias (llama's attention_bias), q/k norms of one head (qwen3,
     * gemma3); the embedding, a separate lm_head unless tied, the final norm.
     */
    public static long parameters(ModelConfig c) {
        long perLayer = 2L * c.hiddenSize();
        for (String m : PROJECTIONS) {
            long[] io = projection(c, m);
            perLayer += io[0] * io[1];
        }
        if (c.attentionBias()) {
            perLayer += projection(c, "q_proj")[1] + 2 * projection(c, "k_proj")[1];
        }
        if (c.outputBias()) {
            perLayer += c.hiddenSize();
        }
        if (c.qkNorm()) {
            perLayer += 2L * c.headDim();
        }
        if (c.isGemma()) {
            perLayer += 2L * c.hiddenSize();
        }
        long embed = (long) c.vocabSize() * c.hiddenSize();
        return embed + (c.tieWordEmbeddings() ? 0 : embed) + c.numHiddenLayers() * perLayer + c.hiddenSize();
    }

    /**
     * Bytes of a frozen copy of the weights ({@link Decoder#frozenCopy}): 4 per parameter, or with
     * {@code half} 2 per element of a matrix (the seven projections per layer, the embedding, an
     * untied lm_head) and 4 per norm or bias element.
     */
    public static long frozenBytes(ModelConfig c, boolean half) {
        if (!half) {
            return FP32 * parameters(c);
        }
        long perLayer = 0;
        for (String m : PROJECTIONS) {
            long[] io = projection(c, m);
            perLayer += io[0] * io[1];
        }
        long embed = (long) c.vocabSize() * c.hiddenSize();
        long matrices = embed + (c.tieWordEmbeddings() ? 0 : embed) + c.numHiddenLayers() * perLayer;
        return 2 * matrices + FP32 * (parameters(c) - matrices);
    }

    /**
     * Parameters that get gradients and AdamW state: all of them for a full fine-tune ({@code lora}
     * null); with LoRA only the adapters, A [r, in] and B [out, r] per layer and targeted projection,
     * r (in + out) each (Hu et al. 2021, eq. 3: W0 + BA).
     */
    public static long trainable(ModelConfig c, LoraShape lora) {
        if (lora == null) {
            return parameters(c);
        }
        long perLayer = 0;
        for (String m : lora.targetModules()) {
            long[] io = projection(c, m);
            perLayer += (long) lora.r() * (io[0] + io[1]);
        }
        return c.numHiddenLayers() * perLayer;
    }

    /**
     * Floats alive at the end of one training forward pass of B rows of T tokens, counted from
     * {@link Decoder#forward} op by op: every array a step creates belongs to the step's manager and
     * lives until the step closes, so every op output counts, not only what autograd saves. Per layer:
     * <ul>
     *   <li>two RMSNorms, each x^2, x/rms and its product with the weight: 3 x 2 [B,T,D]; residual
     *       adds and the o_proj, down_proj outputs: 4 [B,T,D];</li>
     *   <li>q, k, v projections: [B,T,H hd] + 2 [B,T,KV hd]; Qwen3's q/k RMSNorm 3 more each;
     *       RoPE on q and k (x cos, x R, (x R) sin, sum): 4 each; q regrouped by KV head (a copy):
     *       [B,T,H hd];</li>
     *   <li>attention: scores, scores + mask, softmax: 3 [B,H,T,T]; weighted values and their
     *       regrouping copy: 2 [B,T,H hd];</li>
     *   <li>SwiGLU: gate, up, sigmoid, gate x sigmoid, times up: 5 [B,T,I].</li>
     * </ul>
     * Gemma 3 adds two sandwich RMSNorms (6 [B,T,D]) and GeGLU's tanh approximation (6 more [B,T,I] than SiLU).
     * Plus the embedding [B,T,D], the final RMSNorm 3 [B,T,D] and the logits [B,T,V]. The loss
     * ({@link #lossFloats}) and backward ({@link #backwardFloats}) are counted apart.
     */
    public static long forwardFloats(ModelConfig c, long b, long t) {
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long qkNorm = c.qkNorm() ? 3 : 0;
        long perLayer = 10 * b * t * d
                + b * t * q * (1 + qkNorm + 4 + 1 + 2)
                + b * t * kv * (2 + qkNorm + 4)
                + 3 * b * c.numAttentionHeads() * t * t
                + 5 * b * t * c.intermediateSize();
        if (c.isGemma()) {
            perLayer += 6 * b * t * d + 6 * b * t * c.intermediateSize();
        }
        return b * t * d + c.numHiddenLayers() * perLayer + 3 * b * t * d + b * t * c.vocabSize();
    }

    /** The token loss on [B,T,V] logits (TokenLoss): the log-softmax [B,T,V]; the rest is [B,T]. */
    public static long lossFloats(ModelConfig c, long b, long t) {
        return b * t * c.vocabSize();
    }

    /**
     * The backward pass's working set beyond the parameter gradients: libtorch frees activation
     * gradients as it goes, so about the largest few at once: the logits' and log-softmax's gradients
     * 2 [B,T,V] and one layer's attention-score gradients 2 [B,H,T,T].
     */
    public static long backwardFloats(ModelConfig c, long b, long t) {
        return 2 * b * t * c.vocabSize() + 2 * b * c.numAttentionHeads() * t * t;
    }

    /** Keys and values of every layer for B rows of S columns (KvCache): 2 L [B,KV,S,hd] (keys stored as [B,KV,hd,S]). */
    public static long kvCacheFloats(ModelConfig c, long b, long s) {
        return 2L * c.numHiddenLayers() * b * c.numKeyValueHeads() * s * c.headDim();
    }

    /**
     * Generation's peak beyond the cache: the prefill of a B x S prompt block without gradients,
     * whose arrays live in the step's sub-manager until the prefill ends: the forward pass's floats
     * without the logits of every position (it keeps only the last, [B,1,V]).
     */
    public static long prefillFloats(ModelConfig c, long b, long s) {
        return forwardFloats(c, b, s) - b * s * c.vocabSize() + b * c.vocabSize();
    }

    /**
     * Sampling B rows with a cache of S columns (prompt and new tokens) and up to {@code maxNew} new
     * tokens: the KV cache, plus the prefill of the longest prompt that still leaves room for them,
     * S - maxNew columns (at least 1). Decode steps ([B,1] each) are small beside both.
     */
    public static long generationFloats(ModelConfig c, long b, long s, long maxNew) {
        return kvCacheFloats(c, b, s) + prefillFloats(c, b, Math.max(1, s - maxNew));
    }
}
