package org.charlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.BadInput;

/**
 * The shape of a decoder, under the names Hugging Face {@code config.json} uses, so a real
 * Llama / Qwen2 / Qwen3 config reads directly. Derived values are computed once here.
 *
 * <p>Architectures ({@code model_type}): {@code llama} (no q/k/v bias, no q/k norm), {@code qwen2}
 * (q/k/v bias), {@code qwen3} (per-head RMSNorm on q and k before RoPE). {@code attention_bias: true} in
 * the file is refused for llama and qwen3 and ignored for qwen2, as HF's qwen2 ignores it; how
 * config.json is read is in {@link HfConfigJson}.
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
        boolean qkNorm) {

    public static final List<String> ARCHITECTURES = List.of("llama", "qwen2", "qwen3");

    public ModelConfig {
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

    /** Query heads per KV head (grouped-query attention). */
    public int groups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** This config with another architecture flavour (llama / qwen2 / qwen3 defaults for bias and q/k norm). */
    public ModelConfig withArchitecture(String type) {
        return new ModelConfig(type, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, ropeTheta, rmsNormEps, vocabSize, maxPositionEmbeddings, tieWordEmbeddings,
                "qwen2".equals(type), "qwen3".equals(type));
    }

    public ModelConfig withTiedEmbeddings(boolean tied) {
        return new ModelConfig(modelType, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, ropeTheta, rmsNormEps, vocabSize, maxPositionEmbeddings, tied, attentionBias,
                qkNorm);
    }

    /** This config with another vocabulary size (e.g. the 1,024-id BPE charworld's base learns). */
    public ModelConfig withVocabSize(int vocab) {
        return new ModelConfig(modelType, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, ropeTheta, rmsNormEps, vocab, maxPositionEmbeddings, tieWordEmbeddings,
                attentionBias, qkNorm);
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

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        String arch = switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen3" -> "Qwen3ForCausalLM";
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
        n.put("hidden_act", "silu");
        n.put("rope_theta", ropeTheta);
        n.put("rms_norm_eps", rmsNormEps);
        n.put("vocab_size", vocabSize);
        n.put("max_position_embeddings", maxPositionEmbeddings);
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("attention_bias", attentionBias);
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

    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
    }
}
