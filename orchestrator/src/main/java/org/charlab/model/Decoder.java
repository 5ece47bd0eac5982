package org.charlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.BadInput;

/**
 * A Llama / Mistral / Qwen2 / Qwen3 / Gemma 3 causal decoder written with plain NDArray ops on the
 * DJL PyTorch engine; each matches its transformers {@code modeling_*.py} (fp32), which
 * {@code ParityTest} checks on logits of real HF checkpoints. Attention without a KV cache is one
 * fused op ({@link Sdpa}); cached decoding attends by hand over the cache, and for a Llama-style
 * model on CPU a cached single-token step runs as one TorchScript call of the same ops ({@link DecodeStep}).
 * Parameters are plain arrays named as in Hugging Face checkpoints, held in {@link #parameters()}
 * (insertion order = HF order) and owned by this decoder's manager.
 *
 * <p>Array ownership: an op's result belongs to the manager of its first operand, so every op
 * below has an activation first (or its result is attached to the step's manager). Callers pass
 * {@code ids} created in a per-step sub-manager; everything the forward pass creates is released
 * when that sub-manager closes, and the decoder's own manager never grows.
 *
 * <p>Autograd hazard: no op takes a Java {@code Number} (DJL frees such temporary scalars before
 * backward); constants are arrays.
 *
 * <p>LoRA: every projection goes through {@link #linear}, which adds the {@link LoraAdapters}
 * update for the weight array when adapters are {@link #attach attached}; the forward pass itself
 * knows nothing of them.
 */
public final class Decoder implements AutoCloseable {

    /** Additive mask value for keys a query must not see; finite so a fully masked row stays finite. */
    public static final float MASKED = -1e9f;

    private final ModelConfig cfg;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> params;
    private final Rope rope; // full-attention layers (and Mistral's sliding ones)
    private final Rope localRope; // Gemma 3's sliding-window layers (rope_local_base_freq), else null
    private final NDArray eps;
    private final NDArray embedScale; // Gemma 3: sqrt(hidden_size), else null
    private final NDArray finalCap; // tanh soft-capping of the logits (Gemma 3), else null
    private final NDArray one;
    private final NDArray half;
    private final NDArray geluCubic; // 0.044715
    private final NDArray geluScale; // sqrt(2 / pi)
    private final Layer[] layers;
    private final NDArray embed;
    private final NDArray finalNorm;
    private final NDArray lmHead;
    /** LoRA adapters on some projections ({@link #attach}), or null; a {@link #withoutAdapters} view has none. */
    private LoraAdapters lora;
    /** True for a view sharing another decoder's weights: closing it releases nothing. */
    private final boolean view;
    /** Concatenated projections while a {@link #fuseForInference} scope is open, else null. */
    private FusedWeights fused;

    /** Largest fused copy worth making: per-op overhead only matters for small models. */
    static final long FUSE_MAX_BYTES = 128L << 20;

    /**
     * One layer's weights (shapes with D=hidden, H=heads, KV=kv heads, hd=head_dim, I=intermediate).
     * Llama's post_attention_layernorm is the MLP's input norm ({@code ffnNorm}); Gemma 3 norms the
     * attention output with it ({@code postAttnNorm}) and the MLP input with pre_feedforward_layernorm.
     */
    private record Layer(
            boolean sliding, // attends to the last sliding_window keys only
            NDArray inputNorm, // [D]
            NDArray wq, // [H*hd, D]
            NDArray bq, // [H*hd] or null
            NDArray wk, // [KV*hd, D]
            NDArray bk, // [KV*hd] or null
            NDArray wv, // [KV*hd, D]
            NDArray bv, // [KV*hd] or null
            NDArray qNorm, // [hd] or null (Qwen3)
            NDArray kNorm, // [hd] or null (Qwen3)
            NDArray wo, // [D, H*hd]
            NDArray bo, // [D] or null (attention_bias in llama / qwen3 / gemma3_text)
            NDArray postAttnNorm, // [D] or null (Gemma 3)
            NDArray ffnNorm, // [D]
            NDArray wGate, // [I, D]
            NDArray wUp, // [I, D]
            NDArray wDown, // [D, I]
            NDArray postFfnNorm) { // [D] or null (Gemma 3)
    }

    private Decoder(ModelConfig cfg, NDManager manager, LinkedHashMap<String, NDArray> params) {
        this.cfg = cfg;
        this.manager = manager;
        this.params = params;
        int hd = cfg.headDim();
        this.rope = new Rope(cfg.maxPositionEmbeddings(), hd, cfg.ropeScaling().inverseFrequencies(cfg.ropeTheta(), hd),
                cfg.attentionScale(), manager);
        this.localRope = cfg.isGemma() && cfg.layerTypes().contains(ModelConfig.SLIDING)
                ? new Rope(cfg.maxPositionEmbeddings(), hd,
                        RopeScaling.NONE.inverseFrequencies(cfg.gemma().ropeLocalTheta(), hd), cfg.attentionScale(),
                        manager)
                : null;
        this.eps = manager.create((float) cfg.rmsNormEps());
        this.embedScale = cfg.isGemma() ? manager.create((float) Math.sqrt(cfg.hiddenSize())) : null;
        this.finalCap = cfg.isGemma() && cfg.gemma().finalLogitSoftcapping() > 0
                ? manager.create((float) cfg.gemma().finalLogitSoftcapping()) : null;
        this.one = manager.create(1f);
        this.half = manager.create(0.5f);
        this.geluCubic = manager.create(0.044715f);
        this.geluScale = manager.create((float) Math.sqrt(2.0 / Math.PI));
        this.layers = new Layer[cfg.numHiddenLayers()];
        boolean gemma = cfg.isGemma();
        for (int l = 0; l < layers.length; l++) {
            String p = "model.layers." + l + ".";
            NDArray postAttention = params.get(p + "post_attention_layernorm.weight");
            layers[l] = new Layer(cfg.isSliding(l), params.get(p + "input_layernorm.weight"),
                    params.get(p + "self_attn.q_proj.weight"), params.get(p + "self_attn.q_proj.bias"),
                    params.get(p + "self_attn.k_proj.weight"), params.get(p + "self_attn.k_proj.bias"),
                    params.get(p + "self_attn.v_proj.weight"), params.get(p + "self_attn.v_proj.bias"),
                    params.get(p + "self_attn.q_norm.weight"), params.get(p + "self_attn.k_norm.weight"),
                    params.get(p + "self_attn.o_proj.weight"), params.get(p + "self_attn.o_proj.bias"),
                    gemma ? postAttention : null,
                    gemma ? params.get(p + "pre_feedforward_layernorm.weight") : postAttention,
                    params.get(p + "mlp.gate_proj.weight"), params.get(p + "mlp.up_proj.weight"),
                    params.get(p + "mlp.down_proj.weight"), params.get(p + "post_feedforward_layernorm.weight"));
        }
        this.embed = params.get("model.embed_tokens.weight");
        this.finalNorm = params.get("model.norm.weight");
        this.lmHead = cfg.tieWordEmbeddings() ? embed : params.get("lm_head.weight");
        this.view = false;
    }

    /** A view of {@code base}'s weights (the same arrays) without adapters. */
    private Decoder(Decoder base) {
        this.cfg = base.cfg;
        this.manager = base.manager;
        this.params = base.params;
        this.rope = base.rope;
        this.localRope = base.localRope;
        this.eps = base.eps;
        this.embedScale = base.embedScale;
        this.finalCap = base.finalCap;
        this.one = base.one;
        this.half = base.half;
        this.geluCubic = base.geluCubic;
        this.geluScale = base.geluScale;
        this.layers = base.layers;
        this.embed = base.embed;
        this.finalNorm = base.finalNorm;
        this.lmHead = base.lmHead;
        this.lora = null;
        this.view = true;
    }

    /** Every parameter name and shape a checkpoint for {@code cfg} must hold, in HF order. */
    public static LinkedHashMap<String, Shape> expectedShapes(ModelConfig cfg) {
        long d = cfg.hiddenSize();
        long q = (long) cfg.numAttentionHeads() * cfg.headDim();
        long kv = (long) cfg.numKeyValueHeads() * cfg.headDim();
        long in = cfg.intermediateSize();
        LinkedHashMap<String, Shape> s = new LinkedHashMap<>();
        s.put("model.embed_tokens.weight", new Shape(cfg.vocabSize(), d));
        for (int l = 0; l < cfg.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            s.put(p + "input_layernorm.weight", new Shape(d));
            s.put(p + "self_attn.q_proj.weight", new Shape(q, d));
            s.put(p + "self_attn.k_proj.weight", new Shape(kv, d));
            s.put(p + "self_attn.v_proj.weight", new Shape(kv, d));
            if (cfg.attentionBias()) {
                s.put(p + "self_attn.q_proj.bias", new Shape(q));
                s.put(p + "self_attn.k_proj.bias", new Shape(kv));
                s.put(p + "self_attn.v_proj.bias", new Shape(kv));
            }
            if (cfg.qkNorm()) {
                s.put(p + "self_attn.q_norm.weight", new Shape(cfg.headDim()));
                s.put(p + "self_attn.k_norm.weight", new Shape(cfg.headDim()));
            }
            s.put(p + "self_attn.o_proj.weight", new Shape(d, q));
            if (cfg.outputBias()) {
                s.put(p + "self_attn.o_proj.bias", new Shape(d));
            }
            s.put(p + "post_attention_layernorm.weight", new Shape(d));
            if (cfg.isGemma()) {
                s.put(p + "pre_feedforward_layernorm.weight", new Shape(d));
                s.put(p + "post_feedforward_layernorm.weight", new Shape(d));
            }
            s.put(p + "mlp.gate_proj.weight", new Shape(in, d));
            s.put(p + "mlp.up_proj.weight", new Shape(in, d));
            s.put(p + "mlp.down_proj.weight", new Shape(d, in));
        }
        s.put("model.norm.weight", new Shape(d));
        if (!cfg.tieWordEmbeddings()) {
            s.put("lm_head.weight", new Shape(cfg.vocabSize(), d));
        }
        return s;
    }

    /**
     * A freshly initialised decoder in a new sub-manager of {@code parent}. Weights are drawn from a
     * Java RNG seeded with {@code seed} (bit-identical across JVMs and thread counts): N(0, 0.02) for
     * embeddings and projections, N(0, 0.02/sqrt(2 L)) for the residual outputs o_proj and
     * down_proj (GPT-2), ones for norms (zeros for Gemma 3's (1 + w) norms), zeros for biases.
     */
    public static Decoder init(ModelConfig cfg, NDManager parent, long seed) {
        NDManager m = parent.newSubManager();
        SplittableRandom rng = new SplittableRandom(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * cfg.numHiddenLayers());
        LinkedHashMap<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expectedShapes(cfg).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            float[] data = new float[Math.toIntExact(shape.size())];
            if (name.endsWith("norm.weight")) {
                java.util.Arrays.fill(data, cfg.isGemma() ? 0f : 1f);
            } else if (!name.endsWith(".bias")) {
                double std = name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight") ? residualStd : 0.02;
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (rng.nextGaussian() * std);
                }
            }
            NDArray a = m.create(data, shape);
            a.setName(name);
            p.put(name, a);
        }
        return new Decoder(cfg, m, p);
    }

    /**
     * A decoder over given weights (from a checkpoint). The arrays move into a new sub-manager of
     * {@code parent}. Missing, unexpected or mis-shaped names fail with one BadInput listing all of
     * them ({@code source} names the file). An {@code lm_head.weight} next to tied embeddings and
     * {@code rotary_emb.inv_freq} buffers are ignored, as in HF.
     */
    public static Decoder fromWeights(ModelConfig cfg, NDManager parent, Map<String, NDArray> weights, String source) {
        LinkedHashMap<String, Shape> want = expectedShapes(cfg);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Shape> e : want.entrySet()) {
            NDArray a = weights.get(e.getKey());
            if (a == null) {
                problems.add("missing " + e.getKey() + " " + e.getValue());
            } else if (!a.getShape().equals(e.getValue())) {
                problems.add(e.getKey() + " has shape " + a.getShape() + ", config wants " + e.getValue());
            } else if (a.getDataType() != DataType.FLOAT32) {
                problems.add(e.getKey() + " has dtype " + a.getDataType() + ", want float32");
            }
        }
        List<String> extra = new ArrayList<>();
        for (String k : weights.keySet()) {
            boolean ignorable = k.endsWith("rotary_emb.inv_freq") || (cfg.tieWordEmbeddings() && k.equals("lm_head.weight"));
            if (!want.containsKey(k) && !ignorable) {
                extra.add(k);
            }
        }
        if (!extra.isEmpty()) {
            Collections.sort(extra);
            problems.add("unexpected " + (extra.size() > 8 ? extra.subList(0, 8) + " and " + (extra.size() - 8)
                    + " more" : extra));
        }
        if (!problems.isEmpty()) {
            throw new BadInput(source + ": checkpoint does not match config.json (" + problems.size() + " problems): "
                    + String.join("; ", problems));
        }
        NDManager m = parent.newSubManager();
        LinkedHashMap<String, NDArray> p = new LinkedHashMap<>();
        for (String name : want.keySet()) {
            NDArray a = weights.get(name);
            a.attach(m);
            a.setName(name);
            p.put(name, a);
        }
        return new Decoder(cfg, m, p);
    }

    /**
     * An independent copy of the weights (not trainable) in a new sub-manager of {@code parent}: the
     * frozen reference model of DPO or a teacher snapshot.
     */
    public Decoder copy(NDManager parent) {
        return frozenCopy(parent, DataType.FLOAT32);
    }

    /**
     * A copy for forward passes only (DPO's reference, OPD's teacher; never trained) in a new
     * sub-manager of {@code parent}, its matrices (projections, embedding, lm_head) stored as
     * {@code storage}, norms and biases in fp32. FLOAT16 halves the matrices' bytes; {@link #linear}
     * and the embedding compute in fp32 (docs/precision.md: about 2e-4 relative error). Adapters are
     * not copied.
     *
     * @param storage FLOAT32 or FLOAT16; BFLOAT16 is refused (casting to it aborts the JVM on this engine)
     */
    public Decoder frozenCopy(NDManager parent, DataType storage) {
        if (storage != DataType.FLOAT32 && storage != DataType.FLOAT16) {
            throw new IllegalArgumentException("frozen weights are stored as float32 or float16, not " + storage
                    + (storage == DataType.BFLOAT16 ? " (any bfloat16 array aborts the JVM on the CPU engine)" : ""));
        }
        NDManager m = parent.newSubManager();
        LinkedHashMap<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray w = e.getValue();
            // toType to the array's own dtype may return the same storage even with copy=true: duplicate
            NDArray c = w.getShape().dimension() == 2 && storage != w.getDataType() ? w.toType(storage, true)
                    : w.duplicate();
            NDArray frozen = c.stopGradient(); // the same storage, outside any graph
            c.close();
            frozen.attach(m);
            frozen.setName(e.getKey());
            p.put(e.getKey(), frozen);
        }
        return new Decoder(cfg, m, p);
    }

    /**
     * A training lane's view of this decoder ({@code train.TrainLanes}): every weight as a separate
     * leaf over the same storage, in a new sub-manager of {@code parent}. An optimizer step on this
     * decoder's arrays is what the view computes with next; a backward pass through the view fills
     * the view's own gradients, never this decoder's. Full fine-tunes only (no adapters attached).
     */
    public Decoder laneView(NDManager parent) {
        if (lora != null) {
            throw new IllegalStateException("a decoder with adapters has no lane view");
        }
        NDManager m = parent.newSubManager();
        LinkedHashMap<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray alias = e.getValue().stopGradient(); // detach(): the same storage, no graph, no gradient
            alias.attach(m);
            alias.setName(e.getKey());
            p.put(e.getKey(), alias);
        }
        return new Decoder(cfg, m, p);
    }

    public ModelConfig config() {
        return cfg;
    }

    /** The manager owning the parameters (and optimizer state, by convention). */
    public NDManager manager() {
        return manager;
    }

    /** Parameters by HF name, in HF order. Unmodifiable; the arrays themselves are live. */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /**
     * Turns gradient tracking on or off for the trainable parameters ({@link #trainableParameters()}):
     * every weight of a full fine-tune; only the adapters when adapters are attached, whose frozen
     * base weights then never require a gradient.
     */
    public void setTrainable(boolean trainable) {
        for (NDArray p : params.values()) {
            p.setRequiresGradient(trainable && lora == null);
        }
        if (lora != null) {
            lora.setTrainable(trainable);
        }
    }

    /** What training updates: the adapters' A and B when attached, else every parameter (by name). */
    public Map<String, NDArray> trainableParameters() {
        return lora != null ? lora.parameters() : parameters();
    }

    /** Number of trainable values: sum r (in + out) over adapted projections, or every weight. */
    public long trainableCount() {
        long n = 0;
        for (NDArray p : trainableParameters().values()) {
            n += p.size();
        }
        return n;
    }

    /**
     * Routes every projection whose weight {@code adapters} covers through its adapter (in
     * {@link #linear}); the base weights become frozen. Replaces adapters attached before.
     */
    public void attach(LoraAdapters adapters) {
        if (view) {
            throw new IllegalStateException("a view without adapters takes none");
        }
        this.lora = adapters;
        dropFusion();
        setTrainable(false);
    }

    /**
     * Opens a scope in which forward passes without autograd use {@link FusedWeights} (one matmul
     * for q/k/v and one for gate/up per layer); the caller must not change the weights until it is
     * closed (a generate call). Fuses nothing, and the forward pass keeps the separate projections,
     * when adapters are attached (they hook single projections), the model has q/k norms (Qwen3,
     * Gemma 3: fused, their logits were not bit-identical to the separate path), a weight is fp16, the copy would
     * exceed {@link #FUSE_MAX_BYTES}, or a scope is already open. Same logits bit for bit on the
     * small models tested (DecoderTest); BLAS may block a larger reduction differently.
     */
    public FusedWeights fuseForInference() {
        if (fused != null || lora != null || cfg.qkNorm()) {
            return FusedWeights.none();
        }
        long bytes = 0;
        for (Layer w : layers) {
            for (NDArray a : new NDArray[] {w.wq, w.wk, w.wv, w.wGate, w.wUp}) {
                if (a.getDataType() != DataType.FLOAT32) {
                    return FusedWeights.none();
                }
                bytes += a.size() * 4;
            }
        }
        if (bytes > FUSE_MAX_BYTES) {
            return FusedWeights.none();
        }
        FusedWeights f = new FusedWeights(manager.newSubManager(), layers.length, () -> fused = null);
        int heads = cfg.numAttentionHeads();
        int kvHeads = cfg.numKeyValueHeads();
        long[] map = new long[2 * (heads + kvHeads)]; // rows of Rope's cosQ | cosK | sinQ | sinK per head
        for (int i = 0; i < heads + kvHeads; i++) {
            map[i] = i < heads ? 0 : 1;
            map[heads + kvHeads + i] = i < heads ? 2 : 3;
        }
        f.headMap = f.own(manager.create(map));
        for (int l = 0; l < layers.length; l++) {
            Layer w = layers[l];
            f.qkv[l] = f.rows(w.wq, w.wk, w.wv);
            f.qkvBias[l] = w.bq == null ? null : f.rows(w.bq, w.bk, w.bv);
            f.gateUp[l] = f.rows(w.wGate, w.wUp);
        }
        if (compiledStepApplies()) {
            int n = layers.length;
            NDArray[] inputNorm = new NDArray[n];
            NDArray[] wo = new NDArray[n];
            NDArray[] ffnNorm = new NDArray[n];
            NDArray[] down = new NDArray[n];
            for (int l = 0; l < n; l++) {
                inputNorm[l] = layers[l].inputNorm;
                wo[l] = layers[l].wo;
                ffnNorm[l] = layers[l].ffnNorm;
                down[l] = layers[l].wDown;
            }
            f.step = new DecodeStep(manager.getDevice(), kvHeads, eps, rope.rotateHalf, embed, inputNorm, f.qkv, wo,
                    ffnNorm, f.gateUp, down, finalNorm, lmHead);
        }
        fused = f;
        return f;
    }

    /**
     * Whether cached decode steps run as one TorchScript call ({@link DecodeStep}): on CPU, for a
     * Llama-style model (no biases, no q/k norms, SwiGLU, full attention, fp32 weights) without adapters.
     */
    private boolean compiledStepApplies() {
        if (manager.getDevice().isGpu() || cfg.isGemma() || cfg.qkNorm() || !"silu".equals(cfg.hiddenAct())
                || cfg.layerTypes().contains(ModelConfig.SLIDING) || lora != null) {
            return false;
        }
        for (Layer w : layers) {
            if (w.bq != null || w.bo != null || w.postAttnNorm != null || w.postFfnNorm != null) {
                return false;
            }
        }
        for (NDArray a : params.values()) {
            if (a.getDataType() != DataType.FLOAT32) {
                return false;
            }
        }
        return true;
    }

    private void dropFusion() {
        if (fused != null) {
            fused.close();
        }
    }

    /** The attached adapters, or null. */
    public LoraAdapters adapters() {
        return lora;
    }

    /**
     * The same weight arrays (no copy) with no adapter applied: the base model a LoRA policy
     * started from, e.g. DPO's reference or OPD's self-teacher. Closing the view releases nothing.
     */
    public Decoder withoutAdapters() {
        return new Decoder(this);
    }

    /** Logits [B, T, V] for token ids [B, T] (int64) at positions 0..T-1 with a causal mask. */
    public NDArray logits(NDArray ids) {
        return forward(ids, null, null, null, false);
    }

    /**
     * Logits [B, T, V] for packed rows, several documents back to back in each row: a token attends
     * only to earlier tokens of its own document (block-diagonal causal attention), and its rotary
     * position counts from its document's start, so each document's logits are those it would get
     * alone in a row.
     *
     * @param ids [B, T] int64 token ids
     * @param positions [B, T] int64 position of each token within its document (0 at a document start)
     * @param docs [B, T] int64 document id of each token; equal ids must be contiguous (padding can
     *     take an id of its own)
     */
    public NDArray packedLogits(NDArray ids, NDArray positions, NDArray docs) {
        return forward(ids, positions, null, docs, null, false);
    }

    /**
     * The forward pass.
     *
     * @param ids [B, T] int64 token ids, created in the step's manager (results go there too)
     * @param positions [B, T] int64 position of each token, or null for cache.length()+0..T-1
     * @param keyMask [B, S] float additive mask over all S = cache.length()+T key positions
     *     (0 = visible, {@link #MASKED} = padding), or null when nothing is padded
     * @param cache the KV cache to read and extend, or null
     * @param lastOnly compute logits for the last position only ([B, 1, V])
     * @return logits [B, T, V] (or [B, 1, V])
     */
    public NDArray forward(NDArray ids, NDArray positions, NDArray keyMask, KvCache cache, boolean lastOnly) {
        return forward(ids, positions, keyMask, null, cache, lastOnly);
    }

    /** As above, plus {@code docs} [B, T] int64 document ids of packed rows (or null); no cache with docs. */
    private NDArray forward(NDArray ids, NDArray positions, NDArray keyMask, NDArray docs, KvCache cache,
            boolean lastOnly) {
        if (docs != null && cache != null) {
            throw new IllegalArgumentException("document ids (packed rows) need a pass without KV cache");
        }
        NDManager step = ids.getManager();
        Shape is = ids.getShape();
        long b = is.get(0);
        int t = (int) is.get(1);
        int past = cache == null ? 0 : cache.length();
        int s = past + t;
        int heads = cfg.numAttentionHeads();
        int kvHeads = cfg.numKeyValueHeads();
        int groups = cfg.groups();
        int hd = cfg.headDim();
        if (s > cfg.maxPositionEmbeddings() && positions == null) {
            throw new IllegalArgumentException("sequence of " + s + " exceeds max_position_embeddings "
                    + cfg.maxPositionEmbeddings());
        }

        // inference with fused projections (fuseForInference, no autograd), else null
        FusedWeights f = fused != null && !JniUtils.isGradMode() ? fused : null;

        // one new position per row after a cache, on a model DecodeStep covers: the whole step below in
        // one TorchScript call (same ops, same logits)
        if (f != null && f.step != null && cache != null && t == 1 && keyMask != null && docs == null
                && positions != null) {
            NDArray[] tab = rope.qkTables(positions, step, past, t, f.headMap);
            NDArray logits = f.step.run(ids, tab[0], tab[1], keyMask.reshape(b, 1, 1, s), cache);
            cache.advance(t);
            return logits;
        }

        // rotary angles for the new positions: [B or 1, T, 1, hd]; Gemma's sliding layers have their own
        // (the fused path builds per-head tables instead, below)
        Rope.Angles ang = f != null ? null : angles(rope, positions, step, past, t);
        Rope.Angles localAng = f != null || localRope == null ? ang : angles(localRope, positions, step, past, t);

        // attention masks [B or 1, 1, G*T, S], one for full and one for sliding-window layers: causal
        // over the new positions (row g*T + t of a KV head's query block is query t of group member g),
        // plus padded keys, plus (packed rows) keys of other documents
        NDArray docMask = docs == null ? null : documentMask(docs, groups, step); // [B, 1, G*T, T]
        NDArray fullMask = attentionMask(step, groups, t, s, Integer.MAX_VALUE, b, keyMask, docMask);
        NDArray slidingMask = cfg.layerTypes().contains(ModelConfig.SLIDING)
                ? attentionMask(step, groups, t, s, cfg.slidingWindow(), b, keyMask, docMask) : null;

        // fused: q/k tables for all H + KV heads at once, [B or 1, T, H + KV, hd], built once per
        // step and shared by the layers
        NDArray[] qkTab = f == null ? null : rope.qkTables(positions, step, past, t, f.headMap);
        NDArray[] localQkTab = f == null || localRope == null ? qkTab
                : localRope.qkTables(positions, step, past, t, f.headMap);

        // token embedding: [B, T, D] (Gemma 3: times sqrt(D))
        NDArray x = upcast(JniUtils.embedding((PtNDArray) ids, (PtNDArray) embed, false)); // fp16 copy: its rows
        if (embedScale != null) {
            x = x.mul(embedScale);
        }

        for (int l = 0; l < layers.length; l++) {
            Layer w = layers[l];
            Rope.Angles a = w.sliding ? localAng : ang;
            NDArray mask = w.sliding ? slidingMask : fullMask;

            // attention rmsnorm
            NDArray h = rmsNorm(x, w.inputNorm);

            NDArray q;
            NDArray k;
            NDArray v;
            if (f == null) {
                // qkv matmuls: q [B, T, H, hd], k and v [B, T, KV, hd]
                q = linear(h, w.wq, w.bq).reshape(b, t, heads, hd);
                k = linear(h, w.wk, w.bk).reshape(b, t, kvHeads, hd);
                v = linear(h, w.wv, w.bv).reshape(b, t, kvHeads, hd);

                // per-head q/k rmsnorm (Qwen3, Gemma 3), before RoPE
                if (w.qNorm != null) {
                    q = rmsNorm(q, w.qNorm);
                    k = rmsNorm(k, w.kNorm);
                }

                // rotary position embeddings; q also absorbs the score scale (1/sqrt(hd), Gemma: qpas^-1/2)
                q = rope.apply(q, a.cosQ(), a.sinQ());
                k = rope.apply(k, a.cosK(), a.sinK());
            } else {
                // the same steps on fused heads: one qkv matmul [B, T, H + 2 KV, hd], split into
                // qk [B, T, H + KV, hd] and v; RoPE on qk at once, then split q, k
                NDArray[] qkv = split(linear(h, f.qkv[l], f.qkvBias[l]).reshape(b, t, heads + 2L * kvHeads, hd),
                        heads + kvHeads, 2);
                v = qkv[1];
                NDArray[] tab = w.sliding ? localQkTab : qkTab;
                NDArray[] qAndK = split(rope.apply(qkv[0], tab[0], tab[1]), heads, 2);
                q = qAndK[0];
                k = qAndK[1];
            }

            // group queries by their KV head: q [B, KV, G*T, hd]; k, v [B, KV, T, hd] (one new
            // position: a reshape, the transposes would move only a length-1 axis)
            if (t == 1) {
                q = q.reshape(b, kvHeads, groups, hd);
                k = k.reshape(b, kvHeads, 1, hd);
                v = v.reshape(b, kvHeads, 1, hd);
            } else {
                q = q.reshape(b, t, kvHeads, groups, hd).transpose(0, 2, 3, 1, 4)
                        .reshape(b, kvHeads, (long) groups * t, hd);
                k = k.transpose(0, 2, 1, 3);
                v = v.transpose(0, 2, 1, 3);
            }

            // attention softmax(q k^T + mask) v: [B, KV, G*T, hd] (no soft-capping: HF's Gemma 3 never
            // applies attn_logit_softcapping, see ModelConfig.Gemma)
            NDArray att;
            if (cache == null) {
                // one fused op (Sdpa): the [B, KV, G*T, T] scores are never materialised
                att = Sdpa.attend(q, k, v, mask);
            } else {
                // kv cache: keys transposed, kT [B, KV, hd, T]; append the new positions, attend over
                // all S of them (kT [B, KV, hd, S], v [B, KV, S, hd]) with scores [B, KV, G*T, S]
                NDArray[] kv = cache.append(l, k.transpose(0, 1, 3, 2), v, step);
                NDArray scores = q.matMul(kv[0]);
                if (mask != null) {
                    scores = scores.add(mask);
                }
                att = scores.softmax(-1).matMul(kv[1]);
            }

            // heads back together: [B, T, H*hd]
            NDArray o = t == 1 ? att.reshape(b, 1, (long) heads * hd)
                    : att.reshape(b, kvHeads, groups, t, hd).transpose(0, 3, 1, 2, 4).reshape(b, t, (long) heads * hd);

            // output projection (Gemma: then post_attention_layernorm) and residual
            NDArray attnOut = linear(o, w.wo, w.bo);
            if (w.postAttnNorm != null) {
                attnOut = rmsNorm(attnOut, w.postAttnNorm);
            }
            x = x.add(attnOut);

            // ffn rmsnorm (Llama: post_attention_layernorm; Gemma: pre_feedforward_layernorm)
            h = rmsNorm(x, w.ffnNorm);

            // gated MLP: down(act(gate(h)) * up(h)); SwiGLU (silu) or GeGLU (gelu_pytorch_tanh)
            NDArray g;
            NDArray u;
            if (f == null) {
                g = linear(h, w.wGate, null);
                u = linear(h, w.wUp, null);
            } else {
                NDArray[] gu = split(linear(h, f.gateUp[l], null), cfg.intermediateSize(), -1);
                g = gu[0];
                u = gu[1];
            }
            NDArray mlpOut = linear(activation(g).mul(u), w.wDown, null);
            if (w.postFfnNorm != null) {
                mlpOut = rmsNorm(mlpOut, w.postFfnNorm); // Gemma: post_feedforward_layernorm
            }
            x = x.add(mlpOut);
        }
        if (cache != null) {
            cache.advance(t);
        }

        if (lastOnly && t > 1) {
            x = x.get(":, -1:, :");
        }
        // final rmsnorm and classifier: [B, T, V] (Gemma: soft-capped logits when final_logit_softcapping)
        x = rmsNorm(x, finalNorm);
        NDArray logits = linear(x, lmHead, null);
        return finalCap == null ? logits : softcap(logits, finalCap);
    }

    /** x split along {@code axis} at index {@code at}: two views, one native call. */
    private static NDArray[] split(NDArray x, long at, int axis) {
        Shape s = x.getShape();
        long size = s.get(axis < 0 ? s.dimension() + axis : axis);
        NDList parts = JniUtils.split((PtNDArray) x, new long[] {at, size - at}, axis);
        return new NDArray[] {parts.get(0), parts.get(1)};
    }

    private static Rope.Angles angles(Rope r, NDArray positions, NDManager step, int past, int t) {
        return positions == null ? r.range(step, past, t) : r.at(positions);
    }

    /**
     * RMSNorm over the last axis: n = x / sqrt(mean(x^2) + eps), then n * weight (Llama) or
     * n * (1 + weight) (Gemma 3, written n * weight + n so the result stays in the step's manager).
     */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray ms = x.square().mean(new int[] {-1}, true);
        NDArray n = x.div(ms.add(eps).sqrt());
        return cfg.isGemma() ? n.mul(weight).add(n) : n.mul(weight);
    }

    /**
     * The MLP gate's activation: silu(g) = g * sigmoid(g), or gelu_pytorch_tanh(g) =
     * 0.5 g (1 + tanh(sqrt(2/pi) (g + 0.044715 g^3))); constants are arrays (no Java Number operands).
     */
    private NDArray activation(NDArray g) {
        if ("silu".equals(cfg.hiddenAct())) {
            return g.mul(g.getNDArrayInternal().sigmoid());
        }
        NDArray inner = g.mul(g).mul(g).mul(geluCubic).add(g).mul(geluScale).tanh();
        return inner.add(one).mul(g).mul(half);
    }

    /** cap * tanh(x / cap) (Gemma's final logit soft-capping). */
    private static NDArray softcap(NDArray x, NDArray cap) {
        return x.div(cap).tanh().mul(cap);
    }

    /**
     * x W^T (+ b), one fused op, plus the weight's LoRA update when an adapter covers it. An fp16
     * weight ({@link #frozenCopy}) is upcast for this op only: the fp32 temporary is closed at once
     * when no graph records the op, so a forward pass holds one upcast matrix at a time instead of
     * every layer's until the step's manager closes; when one does (x requires a gradient), the graph
     * keeps it and it joins the step's manager.
     */
    private NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        NDArray w = weight.getDataType() == DataType.FLOAT16 ? weight.toType(DataType.FLOAT32, true) : weight;
        NDArray y = JniUtils.linear((PtNDArray) x, (PtNDArray) w, (PtNDArray) bias);
        if (w != weight) {
            if (JniUtils.isGradMode() && JniUtils.requiresGrad((PtNDArray) x)) {
                w.attach(x.getManager());
            } else {
                w.close();
            }
        }
        return lora == null ? y : lora.apply(x, weight, y);
    }

    /** {@code a} in fp32: itself, or (fp16) an fp32 copy with {@code a} closed. */
    private static NDArray upcast(NDArray a) {
        if (a.getDataType() != DataType.FLOAT16) {
            return a;
        }
        NDArray f = a.toType(DataType.FLOAT32, true);
        a.close();
        return f;
    }

    /**
     * The additive mask [B or 1, 1, G*T, S] of layers attending over {@code window} keys (causal
     * plus sliding window; {@code Integer.MAX_VALUE} for full attention), with padded keys and other
     * documents' keys hidden too; null when nothing is masked.
     */
    private static NDArray attentionMask(NDManager step, int groups, int t, int s, int window, long b,
            NDArray keyMask, NDArray docMask) {
        NDArray mask = causalMask(step, groups, t, s, window);
        if (keyMask != null) {
            NDArray km = keyMask.reshape(b, 1, 1, s);
            mask = mask == null ? km : km.add(mask);
        }
        if (docMask != null) {
            mask = mask == null ? docMask : docMask.add(mask);
        }
        return mask;
    }

    /**
     * [1, 1, G*T, S] additive mask for T new queries (repeated for G group members) after S - T
     * cached positions: query i (column past + i) sees key j when past + i - window < j <= past + i,
     * as HF's {@code causal_mask_function} and {@code sliding_window_overlay} (masking_utils.py).
     * Columns, not rotary positions: with left padding or packed documents the distance between two
     * tokens of one row is the same in both. Null when nothing is masked (one query within the window).
     */
    private static NDArray causalMask(NDManager step, int groups, int t, int s, int window) {
        float[] m = new float[groups * t * s];
        int past = s - t;
        boolean any = false;
        for (int r = 0; r < groups * t; r++) {
            int i = past + r % t;
            for (int j = 0; j < s; j++) {
                if (j > i || j <= i - window) {
                    m[r * s + j] = MASKED;
                    any = true;
                }
            }
        }
        return any ? step.create(m, new Shape(1, 1, (long) groups * t, s)) : null;
    }

    /**
     * [B, 1, G*T, T] additive mask for document ids {@code docs} [B, T]: query t may see key j only
     * when docs[j] == docs[t]; the T query rows repeat for the G group members (row g*T + t).
     */
    private static NDArray documentMask(NDArray docs, int groups, NDManager step) {
        Shape ds = docs.getShape();
        long b = ds.get(0);
        long t = ds.get(1);
        NDArray same = docs.reshape(b, t, 1).eq(docs.reshape(b, 1, t)); // [B, T, T] boolean
        NDArray m = same.logicalNot().toType(DataType.FLOAT32, false).mul(step.create(MASKED)); // [B, T, T]
        return m.reshape(b, 1, 1, t, t).tile(new long[] {1, 1, groups, 1, 1}).reshape(b, 1, groups * t, t);
    }

    /** Releases the parameters and everything else this decoder's manager owns (nothing for a view). */
    @Override
    public void close() {
        if (!view) {
            manager.close();
        }
    }
}
