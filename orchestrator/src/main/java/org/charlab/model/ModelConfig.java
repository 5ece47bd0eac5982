package org.charlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.charlab.BadInput;

/**
 * The shape of a decoder, under the names Hugging Face {@code config.json} uses, so a real
 * Llama / Mistral / Qwen2 / Qwen3 / Gemma 3 config reads directly. Derived values are computed once here.
 *
 * <p>Architectures ({@code model_type}): {@code llama} (no bias unless attention_bias, which adds
 * q/k/v <em>and</em> o_proj biases), {@code mistral} (llama with a sliding window on every layer),
 * {@code qwen2} (q/k/v bias, no o_proj bias), {@code qwen3} (per-head RMSNorm on q and k before
 * RoPE), {@code gemma3_text} (see {@link Gemma}). How config.json is read is in {@link HfConfigJson}.
 *
 * @param attentionBias q/k/v projections have biases
 * @param qkNorm per-head RMSNorm on q and k before RoPE (qwen3, gemma3_text)
 * @param hiddenAct the MLP's gate activation: {@code silu} (SwiGLU) or {@code gelu_pytorch_tanh} (GeGLU)
 * @param outputBias o_proj has a bias (llama / qwen3 / gemma3_text with attention_bias)
 * @param ropeScaling the RoPE frequency scaling of full-attention layers
 * @param slidingWindow keys a sliding-window layer's query sees, itself included (0: no sliding layers)
 * @param layerTypes per layer {@code full_attention} or {@code sliding_attention}
 * @param gemma Gemma 3 options, null for the other architectures
 */
public record ModelConfig(
        String modelType,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int intermediateSize,
        double ropeTheta,
        double rmsNormEps,
        int vocabSize,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean qkNorm,
        String hiddenAct,
        boolean outputBias,
        RopeScaling ropeScaling,
        int slidingWindow,
        List<String> layerTypes,
        Gemma gemma) {

    public static final List<String> ARCHITECTURES = List.of("llama", "mistral", "qwen2", "qwen3", "gemma3_text");
    public static final List<String> ACTIVATIONS = List.of("silu", "gelu_pytorch_tanh");
    public static final String FULL = "full_attention";
    public static final String SLIDING = "sliding_attention";

    /**
     * Gemma 3's differences from Llama ({@code modeling_gemma3.py}): token embeddings times
     * sqrt(hidden_size); RMSNorm weights used as (1 + w); sandwich norms (the attention and MLP
     * outputs are normed too, by post_attention_layernorm and post_feedforward_layernorm, and the MLP
     * input by pre_feedforward_layernorm); attention scores scaled by query_pre_attn_scalar^-1/2;
     * sliding layers rotate with their own base; optional tanh soft-capping of the output logits.
     * {@code attn_logit_softcapping} is read by HF's config but never applied by its
     * {@code Gemma3Attention} (transformers 4.57 and 5.18 alike), so charlab ignores it too.
     *
     * @param ropeLocalTheta RoPE base of sliding-window layers (rope_local_base_freq)
     * @param queryPreAttnScalar scores are scaled by its inverse square root
     * @param finalLogitSoftcapping cap c of the output logits, c tanh(z / c); 0 = none
     */
    public record Gemma(double ropeLocalTheta, double queryPreAttnScalar, double finalLogitSoftcapping) {
    }

    /**
     * A config with unscaled RoPE, no o_proj bias and full attention everywhere, and the
     * architecture's activation (SiLU; Gemma 3: GeGLU with query_pre_attn_scalar = head_dim).
     */
    public ModelConfig(String modelType, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
            int numKeyValueHeads, int headDim, int intermediateSize, double ropeTheta, double rmsNormEps, int vocabSize,
            int maxPositionEmbeddings, boolean tieWordEmbeddings, boolean attentionBias, boolean qkNorm) {
        this(modelType, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim, intermediateSize,
                ropeTheta, rmsNormEps, vocabSize, maxPositionEmbeddings, tieWordEmbeddings, attentionBias, qkNorm,
                "gemma3_text".equals(modelType) ? "gelu_pytorch_tanh" : "silu", false, RopeScaling.NONE, 0,
                Collections.nCopies(Math.max(numHiddenLayers, 0), FULL),
                "gemma3_text".equals(modelType) ? new Gemma(10000.0, headDim, 0) : null);
    }

    public ModelConfig {
        layerTypes = List.copyOf(layerTypes);
        List<String> bad = new ArrayList<>();
        if (!ARCHITECTURES.contains(modelType)) {
            bad.add("model_type '" + modelType + "' is not one of " + ARCHITECTURES);
        }
        positive(bad, "hidden_size", hiddenSize);
        positive(bad, "num_hidden_layers", numHiddenLayers);
        positive(bad, "num_attention_heads", numAttentionHeads);
        positive(bad, "num_key_value_heads", numKeyValueHeads);
        positive(bad, "head_dim", headDim);
        positive(bad, "intermediate_size", intermediateSize);
        positive(bad, "vocab_size", vocabSize);
        positive(bad, "max_position_embeddings", maxPositionEmbeddings);
        if (numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads != 0) {
            bad.add("num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads "
                    + numKeyValueHeads);
        }
        if (headDim % 2 != 0) {
            bad.add("head_dim " + headDim + " must be even for rotary embeddings");
        }
        if (!(ropeTheta > 0) || !(rmsNormEps > 0)) {
            bad.add("rope_theta and rms_norm_eps must be > 0");
        }
        if (!ACTIVATIONS.contains(hiddenAct)) {
            bad.add("hidden_act '" + hiddenAct + "' is not one of " + ACTIVATIONS);
        }
        if (layerTypes.size() != numHiddenLayers || !List.of(FULL, SLIDING).containsAll(layerTypes)) {
            bad.add("layer_types " + layerTypes + " must hold " + numHiddenLayers + " entries, each " + FULL + " or "
                    + SLIDING);
        }
        if (layerTypes.contains(SLIDING) && slidingWindow < 1) {
            bad.add("sliding_window must be >= 1 when some layer is a " + SLIDING + " layer (got " + slidingWindow
                    + ")");
        }
        if ("gemma3_text".equals(modelType) != (gemma != null)) {
            bad.add("Gemma options are given exactly for model_type gemma3_text");
        }
        if (!bad.isEmpty()) {
            throw new BadInput("model config: " + String.join("; ", bad));
        }
    }

    private static void positive(List<String> bad, String name, int v) {
        if (v <= 0) {
            bad.add(name + " must be > 0 (got " + v + ")");
        }
    }

    /**
     * The default tiny byte-level model charworld pretrains: 4 layers, d=128, 4 query heads
     * sharing 2 KV heads (head_dim 32), SwiGLU width 352 (2.75 x d), 512 positions, tied
     * embeddings, vocab 264 (256 bytes + 6 specials, rounded up to a multiple of 8). ~0.8M params.
     */
    public static ModelConfig tiny() {
        return new ModelConfig("llama", 128, 4, 4, 2, 32, 352, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 512, true,
                false, false);
    }

    /** A ~25M-parameter byte-level model (d=512, 8 layers, 8 heads / 4 KV heads, SwiGLU 1536) for the bench. */
    public static ModelConfig small25m() {
        return new ModelConfig("llama", 512, 8, 8, 4, 64, 1536, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 512, true,
                false, false);
    }

    public boolean isGemma() {
        return gemma != null;
    }

    /** Whether layer {@code l} attends only to the last {@link #slidingWindow} positions. */
    public boolean isSliding(int l) {
        return SLIDING.equals(layerTypes.get(l));
    }

    /** The attention score scale: 1/sqrt(head_dim), or query_pre_attn_scalar^-1/2 for Gemma 3. */
    public double attentionScale() {
        return 1.0 / Math.sqrt(isGemma() ? gemma.queryPreAttnScalar() : headDim);
    }

    /** Query heads per KV head (grouped-query attention). */
    public int groups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /**
     * This config with another architecture flavour and that architecture's defaults for bias, q/k
     * norm and activation (Gemma 3: GeGLU, query_pre_attn_scalar = head_dim, local RoPE base 10000,
     * no soft-capping); full attention on every layer.
     */
    public ModelConfig withArchitecture(String type) {
        boolean g = "gemma3_text".equals(type);
        return new ModelConfig(type, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, ropeTheta, rmsNormEps, vocabSize, maxPositionEmbeddings, tieWordEmbeddings,
                "qwen2".equals(type), "qwen3".equals(type) || g, g ? "gelu_pytorch_tanh" : "silu", false, ropeScaling,
                0, Collections.nCopies(numHiddenLayers, FULL), g ? new Gemma(10000.0, headDim, 0) : null);
    }

    public ModelConfig withTiedEmbeddings(boolean tied) {
        return new ModelConfig(modelType, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, ropeTheta, rmsNormEps, vocabSize, maxPositionEmbeddings, tied, attentionBias,
                qkNorm, hiddenAct, outputBias, ropeScaling, slidingWindow, layerTypes, gemma);
    }

    /** This config with another vocabulary size (e.g. the 1,024-id BPE charworld's base learns). */
    public ModelConfig withVocabSize(int vocab) {
        return new ModelConfig(modelType, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, ropeTheta, rmsNormEps, vocab, maxPositionEmbeddings, tieWordEmbeddings,
                attentionBias, qkNorm, hiddenAct, outputBias, ropeScaling, slidingWindow, layerTypes, gemma);
    }

    /** Number of scalar parameters the decoder holds ({@link MemoryArithmetic#parameters}). */
    public long parameterCount() {
        return MemoryArithmetic.parameters(this);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Reads an HF {@code config.json}; every problem becomes a one-line {@link BadInput} naming the file. */
    public static ModelConfig read(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read model config: " + e.getMessage().split("\n")[0]);
        }
        try {
            return fromJson(n);
        } catch (BadInput e) {
            throw new BadInput(file + ": " + e.getMessage());
        }
    }

    /**
     * An HF {@code config.json} tree read as transformers reads it (both RoPE layouts, HF defaults,
     * refusal of every option charlab does not compute); see {@link HfConfigJson}.
     */
    public static ModelConfig fromJson(JsonNode n) {
        return HfConfigJson.parse(n);
    }

    /**
     * This config as an HF {@code config.json} in the old (transformers 4) layout, which
     * transformers 4 and 5 and {@link #fromJson} read back to an equal config.
     */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        String arch = switch (modelType) {
            case "mistral" -> "MistralForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen3" -> "Qwen3ForCausalLM";
            case "gemma3_text" -> "Gemma3ForCausalLM";
            default -> "LlamaForCausalLM";
        };
        n.putArray("architectures").add(arch);
        n.put("model_type", modelType);
        n.put("hidden_size", hiddenSize);
        n.put("num_hidden_layers", numHiddenLayers);
        n.put("num_attention_heads", numAttentionHeads);
        n.put("num_key_value_heads", numKeyValueHeads);
        n.put("head_dim", headDim);
        n.put("intermediate_size", intermediateSize);
        n.put(isGemma() ? "hidden_activation" : "hidden_act", hiddenAct);
        n.put("rope_theta", ropeTheta);
        if (!ropeScaling.isDefault()) {
            ObjectNode r = n.putObject("rope_scaling");
            r.put("rope_type", ropeScaling.ropeType());
            r.put("factor", ropeScaling.factor());
            if ("llama3".equals(ropeScaling.ropeType())) {
                r.put("low_freq_factor", ropeScaling.lowFreqFactor());
                r.put("high_freq_factor", ropeScaling.highFreqFactor());
                r.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
            }
        }
        n.put("rms_norm_eps", rmsNormEps);
        n.put("vocab_size", vocabSize);
        n.put("max_position_embeddings", maxPositionEmbeddings);
        n.put("tie_word_embeddings", tieWordEmbeddings);
        if (!"mistral".equals(modelType)) {
            n.put("attention_bias", "qwen2".equals(modelType) ? attentionBias : outputBias);
        }
        if ("mistral".equals(modelType)) {
            if (slidingWindow > 0) {
                n.put("sliding_window", slidingWindow);
            } else {
                n.putNull("sliding_window");
            }
        }
        if (isGemma()) {
            if (slidingWindow > 0) {
                n.put("sliding_window", slidingWindow);
            } else {
                n.putNull("sliding_window");
            }
            layerTypes.forEach(n.putArray("layer_types")::add);
            n.put("rope_local_base_freq", gemma.ropeLocalTheta());
            n.put("query_pre_attn_scalar", gemma.queryPreAttnScalar());
            softcap(n, "final_logit_softcapping", gemma.finalLogitSoftcapping());
        }
        n.put("torch_dtype", "float32");
        return n;
    }

    /** {@link #toJson()} as a plain map (what planning carries from stage to stage). */
    @SuppressWarnings("unchecked")
    public java.util.Map<String, Object> toPlain() {
        return JSON.convertValue(toJson(), java.util.Map.class);
    }

    /** The inverse of {@link #toPlain()}: a plain config.json map read as {@link #fromJson} reads it. */
    public static ModelConfig fromPlain(java.util.Map<String, Object> plain) {
        return fromJson(JSON.valueToTree(plain));
    }

    private static void softcap(ObjectNode n, String key, double cap) {
        if (cap > 0) {
            n.put(key, cap);
        } else {
            n.putNull(key);
        }
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
    }
}
