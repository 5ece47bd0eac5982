package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charlab.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * config.json read as transformers reads it: both RoPE layouts with transformers' precedence
 * (modeling_rope_utils.py), HF class defaults for omitted fields, and a one-line refusal naming the
 * field and value for every option charlab does not compute.
 */
class HfConfigJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A small, complete qwen2 config in transformers 4's layout, plus {@code extra} fields. */
    private static ObjectNode qwen2(String extra) throws IOException {
        return (ObjectNode) JSON.readTree("""
                {"model_type": "qwen2", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 2, "intermediate_size": 128, "vocab_size": 300,
                 "max_position_embeddings": 512, "rms_norm_eps": 1e-6, "tie_word_embeddings": true"""
                + (extra.isEmpty() ? "" : ", " + extra) + "}");
    }

    private static ObjectNode config(String type, String extra) throws IOException {
        ObjectNode n = qwen2(extra);
        n.put("model_type", type);
        return n;
    }

    @Test
    void oldLayoutTopLevelRopeThetaIsRead() throws IOException {
        assertEquals(1e6, ModelConfig.fromJson(qwen2("\"rope_theta\": 1000000.0, \"rope_scaling\": null")).ropeTheta());
    }

    /** The reported bug: transformers >= 5 writes rope_parameters; it used to load as theta 10000. */
    @Test
    void newLayoutRopeParametersIsRead() throws IOException {
        ModelConfig c = ModelConfig.fromJson(qwen2(
                "\"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}"));
        assertEquals(1e6, c.ropeTheta());
    }

    /** transformers: rope_theta inside the dict wins over the top-level one (setdefault). */
    @Test
    void bothLayoutsTheDictRopeThetaWins() throws IOException {
        assertEquals(1e6, ModelConfig.fromJson(qwen2(
                "\"rope_theta\": 500000.0, \"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}"))
                .ropeTheta());
        // a dict without rope_theta takes the top-level one
        assertEquals(5e5, ModelConfig.fromJson(qwen2(
                "\"rope_theta\": 500000.0, \"rope_parameters\": {\"rope_type\": \"default\"}")).ropeTheta());
        // legacy rope_scaling {"type": "default"} is the unscaled rope
        assertEquals(5e5, ModelConfig.fromJson(qwen2(
                "\"rope_theta\": 500000.0, \"rope_scaling\": {\"type\": \"default\"}")).ropeTheta());
    }

    /** transformers: {@code rope_parameters = rope_scaling or rope_parameters} - a non-empty rope_scaling wins. */
    @Test
    void nonEmptyRopeScalingReplacesRopeParameters() throws IOException {
        BadInput e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(qwen2(
                "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 2.0}, "
                        + "\"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}")));
        assertEquals("rope_scaling.rope_type 'yarn' is not supported; supported: [default, linear, llama3]",
                e.getMessage());
        // the winner's base: rope_scaling has none, so the top-level one (or 10000), not rope_parameters'
        ModelConfig linear = ModelConfig.fromJson(qwen2("\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}, "
                + "\"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}"));
        assertEquals(RopeScaling.linear(2.0), linear.ropeScaling());
        assertEquals(10000.0, linear.ropeTheta());
        // an empty rope_scaling does not
        assertEquals(1e6, ModelConfig.fromJson(qwen2("\"rope_scaling\": {}, "
                + "\"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}")).ropeTheta());
        assertEquals(5e5, ModelConfig.fromJson(qwen2("\"rope_theta\": 500000.0, \"rope_scaling\": {}")).ropeTheta());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rope_parameters|{\"rope_type\": \"llama3\", \"rope_theta\": 500000.0, \"factor\": 8.0, \"high_freq_factor\": 4.0}|'rope_parameters.low_freq_factor' is missing",
        "rope_parameters|{\"rope_type\": \"linear\", \"factor\": -2}|'rope_parameters.factor' is -2",
        "rope_parameters|{\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32768}|rope_parameters.rope_type 'yarn'",
        "rope_scaling|{\"rope_type\": \"dynamic\", \"factor\": 2.0}|rope_scaling.rope_type 'dynamic'",
        "rope_scaling|{\"type\": \"longrope\", \"factor\": 2.0}|rope_scaling.rope_type 'longrope'",
        "rope_parameters|{\"full_attention\": {\"rope_type\": \"default\"}}|rope_parameters.full_attention (per-layer-type RoPE)",
        "rope_parameters|{\"rope_type\": \"default\", \"partial_rotary_factor\": 0.5}|partial_rotary_factor 0.5",
        "rope_scaling|\"linear\"|rope_scaling \"linear\"",
        "hidden_act|\"gelu\"|hidden_act 'gelu'",
        "mlp_bias|true|mlp_bias true",
        "attention_dropout|0.1|attention_dropout 0.1",
        "rope_theta|\"big\"|'rope_theta' is \"big\"",
        "head_dim|16.5|'head_dim' is 16.5",
        "tie_word_embeddings|\"yes\"|'tie_word_embeddings' is \"yes\"",
    })
    void everyUncomputedOptionIsRefusedInOneLineNamingIt(String field, String value, String expected)
            throws IOException {
        Path f = tmp.resolve("config.json");
        ObjectNode n = qwen2("");
        n.set(field, JSON.readTree(value));
        Files.writeString(f, n.toString());
        BadInput e = assertThrows(BadInput.class, () -> ModelConfig.read(f));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(f + ": " + expected), msg);
        assertFalse(msg.contains("\n"), "one line");
        assertTrue(msg.contains("supported") || msg.contains("must be"), "says what is allowed: " + msg);
    }

    @Test
    void unsupportedModelTypeIsNamedWithTheSupportedList() throws IOException {
        BadInput e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(config("gemma2", "")));
        assertEquals("model_type 'gemma2' is not supported; supported: [llama, mistral, qwen2, qwen3, gemma3_text]",
                e.getMessage());
    }

    /** google/gemma-3-1b-it's config.json as published (transformers 4.50 layout). */
    @Test
    void gemma3OneBillionConfigReads() throws IOException {
        ModelConfig g = ModelConfig.fromJson(JSON.readTree("""
                {"architectures": ["Gemma3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
                 "attn_logit_softcapping": null, "bos_token_id": 2, "cache_implementation": "hybrid",
                 "eos_token_id": [1, 106], "final_logit_softcapping": null, "head_dim": 256,
                 "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 1152, "initializer_range": 0.02,
                 "intermediate_size": 6912, "max_position_embeddings": 32768, "model_type": "gemma3_text",
                 "num_attention_heads": 4, "num_hidden_layers": 26, "num_key_value_heads": 1, "pad_token_id": 0,
                 "query_pre_attn_scalar": 256, "rms_norm_eps": 1e-06, "rope_local_base_freq": 10000,
                 "rope_scaling": null, "rope_theta": 1000000, "sliding_window": 512, "sliding_window_pattern": 6,
                 "torch_dtype": "bfloat16", "transformers_version": "4.50.0.dev0", "use_cache": true,
                 "vocab_size": 262144}"""));
        assertEquals(512, g.slidingWindow());
        assertEquals(ModelConfig.FULL, g.layerTypes().get(5));
        assertEquals(ModelConfig.SLIDING, g.layerTypes().get(6));
        assertEquals(1e6, g.ropeTheta());
        assertEquals(RopeScaling.NONE, g.ropeScaling());
        assertEquals(new ModelConfig.Gemma(10000.0, 256, 0), g.gemma());
        assertTrue(g.tieWordEmbeddings());
        assertEquals(4, g.groups());
    }

    /** Gemma 3 with a vision tower: its text_config is the model (text-only input), ties must agree. */
    @Test
    void gemma3MultimodalConfigIsItsTextConfig() throws IOException {
        ObjectNode text = config("gemma3_text", "\"sliding_window\": 5");
        ObjectNode outer = (ObjectNode) JSON.readTree("{\"model_type\": \"gemma3\", \"vision_config\": {}}");
        outer.set("text_config", text.deepCopy().without("model_type"));
        assertEquals(ModelConfig.fromJson(text), ModelConfig.fromJson(outer));
        BadInput e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(JSON.readTree(
                "{\"model_type\": \"gemma3\"}")));
        assertTrue(e.getMessage().startsWith("model_type 'gemma3' without a text_config object is not supported"),
                e.getMessage());
        outer.put("tie_word_embeddings", false);
        e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(outer));
        assertTrue(e.getMessage().startsWith("tie_word_embeddings false disagrees with text_config"), e.getMessage());
        ((ObjectNode) outer.get("text_config")).put("tie_word_embeddings", false);
        ((ObjectNode) outer.get("text_config")).put("hidden_activation", "relu");
        e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(outer));
        assertTrue(e.getMessage().startsWith("text_config: hidden_activation 'relu' is not supported"), e.getMessage());
    }

    /**
     * In llama, qwen3 and gemma3_text attention_bias adds q/k/v and o_proj biases; qwen2 always has
     * q/k/v and never o_proj biases, mistral never any, whatever the field says (as in HF).
     */
    @Test
    void attentionBiasFollowsEachArchitecturesModelingFile() throws IOException {
        for (String type : new String[] {"llama", "qwen3", "gemma3_text"}) {
            ModelConfig on = ModelConfig.fromJson(config(type, "\"attention_bias\": true"));
            assertTrue(on.attentionBias() && on.outputBias(), type);
            assertTrue(Decoder.expectedShapes(on).containsKey("model.layers.1.self_attn.o_proj.bias"), type);
            ModelConfig off = ModelConfig.fromJson(config(type, "\"attention_bias\": false"));
            assertFalse(off.attentionBias() || off.outputBias(), type);
        }
        for (String bias : new String[] {"true", "false"}) {
            ModelConfig q2 = ModelConfig.fromJson(qwen2("\"attention_bias\": " + bias));
            assertTrue(q2.attentionBias() && !q2.outputBias());
            ModelConfig mistral = ModelConfig.fromJson(config("mistral", "\"attention_bias\": " + bias));
            assertFalse(mistral.attentionBias() || mistral.outputBias());
        }
    }

    /** MistralConfig: sliding_window 4096 on every layer unless null; kv heads default 8; layer_types ignored. */
    @Test
    void mistralSlidesEveryLayerUnlessTheWindowIsNull() throws IOException {
        ModelConfig d = ModelConfig.fromJson(JSON.readTree("{\"model_type\": \"mistral\"}"));
        assertEquals(4096, d.slidingWindow());
        assertEquals(java.util.Collections.nCopies(32, ModelConfig.SLIDING), d.layerTypes());
        assertEquals(8, d.numKeyValueHeads());
        assertEquals(14336, d.intermediateSize());
        assertEquals(131072, d.maxPositionEmbeddings());
        ModelConfig full = ModelConfig.fromJson(config("mistral", "\"sliding_window\": null"));
        assertEquals(0, full.slidingWindow());
        assertFalse(full.layerTypes().contains(ModelConfig.SLIDING));
        ModelConfig w = ModelConfig.fromJson(config("mistral", "\"sliding_window\": 7, "
                + "\"layer_types\": [\"full_attention\", \"full_attention\"]"));
        assertEquals(List.of(ModelConfig.SLIDING, ModelConfig.SLIDING), w.layerTypes());
        assertEquals(7, w.slidingWindow());
    }

    /** Gemma3TextConfig's defaults, and its sliding_window_pattern when layer_types is absent. */
    @Test
    void gemma3TextDefaults() throws IOException {
        ModelConfig g = ModelConfig.fromJson(JSON.readTree("{\"model_type\": \"gemma3_text\"}"));
        assertEquals(256, g.headDim());
        assertEquals(4, g.numKeyValueHeads());
        assertEquals(8, g.numAttentionHeads());
        assertEquals(262208, g.vocabSize());
        assertTrue(g.tieWordEmbeddings());
        assertTrue(g.qkNorm());
        assertEquals("gelu_pytorch_tanh", g.hiddenAct());
        assertEquals(1e6, g.ropeTheta());
        assertEquals(new ModelConfig.Gemma(10000.0, 256, 0), g.gemma());
        assertEquals(4096, g.slidingWindow());
        for (int l = 0; l < 26; l++) {
            assertEquals((l + 1) % 6 != 0, g.isSliding(l), "layer " + l);
        }
        ModelConfig p = ModelConfig.fromJson(config("gemma3_text", "\"sliding_window_pattern\": 2, "
                + "\"_sliding_window_pattern\": 6, \"final_logit_softcapping\": 30.0, \"query_pre_attn_scalar\": 10"));
        assertEquals(List.of(ModelConfig.SLIDING, ModelConfig.FULL), p.layerTypes());
        assertEquals(30.0, p.gemma().finalLogitSoftcapping());
        assertEquals(1 / Math.sqrt(10), p.attentionScale(), 1e-15);
    }

    /** Gemma 3's RoPE: per layer type (new layout) or rope_theta / rope_local_base_freq / rope_scaling (old). */
    @Test
    void gemma3RopePerLayerTypeInBothLayouts() throws IOException {
        ModelConfig nw = ModelConfig.fromJson(config("gemma3_text", "\"rope_parameters\": {"
                + "\"full_attention\": {\"rope_type\": \"linear\", \"factor\": 8.0, \"rope_theta\": 1000000.0}, "
                + "\"sliding_attention\": {\"rope_type\": \"default\", \"rope_theta\": 10000.0}}"));
        ModelConfig old = ModelConfig.fromJson(config("gemma3_text", "\"rope_theta\": 1000000.0, "
                + "\"rope_local_base_freq\": 10000.0, \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 8.0}"));
        assertEquals(nw, old);
        assertEquals(RopeScaling.linear(8.0), nw.ropeScaling());
        assertEquals(10000.0, nw.gemma().ropeLocalTheta());
        BadInput e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(config("gemma3_text",
                "\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 5.0}")));
        assertTrue(e.getMessage().startsWith("rope_parameters.rope_type is not supported for gemma3_text"),
                e.getMessage());
        e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(config("gemma3_text", "\"rope_parameters\": {"
                + "\"sliding_attention\": {\"rope_type\": \"linear\", \"factor\": 2.0}}")));
        assertTrue(e.getMessage().startsWith("rope_parameters.sliding_attention.rope_type 'linear' is not supported"),
                e.getMessage());
        e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(config("gemma3_text",
                "\"use_bidirectional_attention\": true")));
        assertTrue(e.getMessage().startsWith("use_bidirectional_attention true is not supported"), e.getMessage());
        e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(config("gemma3_text",
                "\"hidden_activation\": \"gelu\"")));
        assertTrue(e.getMessage().startsWith("hidden_activation 'gelu' is not supported"), e.getMessage());
    }

    /** llama3's original_max_position_embeddings falls back to max_position_embeddings (standardize_rope_params). */
    @Test
    void llama3ScalingReadsItsFactorsAndDefaultsTheOriginalLength() throws IOException {
        ModelConfig c = ModelConfig.fromJson(config("llama", "\"rope_scaling\": {\"rope_type\": \"llama3\", "
                + "\"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0}, \"rope_theta\": 500000.0"));
        assertEquals(RopeScaling.llama3(8.0, 1.0, 4.0, 512), c.ropeScaling());
        assertEquals(5e5, c.ropeTheta());
    }

    @Test
    void slidingWindowIsRefusedOnlyWhereItWouldApply() throws IOException {
        // Qwen2.5's own configs: use_sliding_window false -> full attention everywhere
        assertEquals(2, ModelConfig.fromJson(qwen2(
                "\"use_sliding_window\": false, \"sliding_window\": 4096, \"max_window_layers\": 1")).numHiddenLayers());
        // on, but every layer index is below max_window_layers (default 28) -> no sliding layer
        ModelConfig.fromJson(qwen2("\"use_sliding_window\": true, \"sliding_window\": 64"));
        // on, window at least max_position_embeddings (512) -> never masks anything charlab can run
        ModelConfig.fromJson(qwen2("\"use_sliding_window\": true, \"sliding_window\": 512, \"max_window_layers\": 0"));
        for (String type : new String[] {"qwen2", "qwen3"}) {
            BadInput e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(config(type,
                    "\"use_sliding_window\": true, \"sliding_window\": 64, \"max_window_layers\": 1")));
            assertTrue(e.getMessage().startsWith("use_sliding_window true with sliding_window 64 (layer 1 on) "
                    + "is not supported"), e.getMessage());
        }
        BadInput e = assertThrows(BadInput.class, () -> ModelConfig.fromJson(qwen2(
                "\"use_sliding_window\": true, \"sliding_window\": 64, "
                        + "\"layer_types\": [\"full_attention\", \"sliding_attention\"]")));
        assertTrue(e.getMessage().contains("(layer 1 on)"), e.getMessage());
        // llama has no sliding window in HF: the key is ignored there
        ModelConfig.fromJson(config("llama", "\"use_sliding_window\": true, \"sliding_window\": 64, "
                + "\"max_window_layers\": 0"));
    }

    /** Omitted fields take the defaults of LlamaConfig / Qwen2Config / Qwen3Config. */
    @Test
    void omittedFieldsTakeTheHfClassDefaults() throws IOException {
        ModelConfig q3 = ModelConfig.fromJson(JSON.readTree("""
                {"model_type": "qwen3", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "intermediate_size": 128, "vocab_size": 300}"""));
        assertEquals(128, q3.headDim(), "Qwen3Config.head_dim defaults to 128, not hidden/heads");
        assertEquals(4, q3.numKeyValueHeads(), "num_key_value_heads falls back to num_attention_heads");
        assertEquals(1e-6, q3.rmsNormEps());
        assertEquals(10000.0, q3.ropeTheta());
        assertEquals(32768, q3.maxPositionEmbeddings());
        assertFalse(q3.tieWordEmbeddings());
        assertTrue(q3.qkNorm());

        ModelConfig q2 = ModelConfig.fromJson(JSON.readTree("""
                {"model_type": "qwen2", "hidden_size": 64, "num_attention_heads": 4, "head_dim": null}"""));
        assertEquals(16, q2.headDim());
        assertEquals(32768, q2.maxPositionEmbeddings());
        assertEquals(151936, q2.vocabSize());
        assertEquals(22016, q2.intermediateSize());

        ModelConfig llama = ModelConfig.fromJson(JSON.readTree("{\"model_type\": \"llama\"}"));
        assertEquals(new ModelConfig("llama", 4096, 32, 32, 32, 128, 11008, 10000.0, 1e-6, 32000, 2048, false,
                false, false), llama);
    }

    /** head_dim != hidden/heads and GQA are honoured as given. */
    @Test
    void explicitHeadDimAndKvHeadsAreHonoured() throws IOException {
        ModelConfig c = ModelConfig.fromJson(qwen2("\"head_dim\": 8"));
        assertEquals(8, c.headDim());
        assertEquals(2, c.groups());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(1e-5, ModelConfig.fromJson(qwen2("\"rms_norm_eps\": 1e-5")).rmsNormEps());
    }

    /** What charlab writes (transformers 4's layout) reads back to the same config for every architecture. */
    @Test
    void writtenConfigReadsBackIdentically() throws IOException {
        for (String type : ModelConfig.ARCHITECTURES) {
            ModelConfig c = TestModels.micro(type, false);
            assertEquals(c, ModelConfig.fromJson(JSON.readTree(c.toJson().toString())));
        }
    }
}
