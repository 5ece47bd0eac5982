package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.charlab.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    static {
        TestModels.oneThread();
    }

    @TempDir
    Path tmp;

    @Test
    void saveThenLoadGivesIdenticalLogits() throws IOException {
        ModelConfig cfg = TestModels.micro("qwen3", false);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 5)) {
            DecoderTest.randomizeNormsAndBiases(d, m);
            Path dir = tmp.resolve("ckpt");
            Checkpoint.save(dir, d, new ByteTokenizer(), Map.of("stage", "test", "seed", 5));
            assertTrue(Files.isRegularFile(dir.resolve("config.json")));
            assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
            NDArray ids = m.create(DecoderTest.randomIds(8, cfg.vocabSize(), 2), new Shape(1, 8));
            float[] want = d.logits(ids).toFloatArray();
            try (Checkpoint.Loaded l = Checkpoint.load(dir, m)) {
                assertEquals(cfg, l.model().config());
                assertTrue(l.tokenizer() instanceof ByteTokenizer);
                assertEquals("test", l.provenance().path("stage").asText());
                assertArrayEquals(want, l.model().logits(ids).toFloatArray(), 0f);
                assertEquals(d.parameters().keySet(), l.model().parameters().keySet());
            }
        }
    }

    /**
     * A qwen2 checkpoint whose config.json is in transformers 5's layout (rope_parameters) loads
     * with its own rope_theta: the logits equal the saved model's and differ from theta 10000's.
     */
    @Test
    void newLayoutConfigLoadsWithItsRopeTheta() throws IOException {
        ModelConfig base = TestModels.micro("qwen2", false);
        ModelConfig cfg = new ModelConfig(base.modelType(), base.hiddenSize(), base.numHiddenLayers(),
                base.numAttentionHeads(), base.numKeyValueHeads(), base.headDim(), base.intermediateSize(), 1e6,
                base.rmsNormEps(), base.vocabSize(), base.maxPositionEmbeddings(), base.tieWordEmbeddings(),
                base.attentionBias(), base.qkNorm());
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 7)) {
            DecoderTest.randomizeNormsAndBiases(d, m);
            // sharpen attention so the positions (and so rope_theta) visibly move the logits
            for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
                if (e.getKey().endsWith("q_proj.weight") || e.getKey().endsWith("k_proj.weight")) {
                    float[] x = e.getValue().toFloatArray();
                    for (int i = 0; i < x.length; i++) {
                        x[i] *= 50f;
                    }
                    e.getValue().set(x);
                }
            }
            Path dir = tmp.resolve("v5");
            Checkpoint.save(dir, d, new ByteTokenizer(), Map.of());
            com.fasterxml.jackson.databind.node.ObjectNode json = cfg.toJson();
            json.remove("rope_theta");
            json.putObject("rope_parameters").put("rope_theta", 1e6).put("rope_type", "default");
            Files.writeString(dir.resolve("config.json"), json.toString());
            NDArray ids = m.create(DecoderTest.randomIds(12, cfg.vocabSize(), 3), new Shape(1, 12));
            float[] want = d.logits(ids).toFloatArray();
            try (Checkpoint.Loaded l = Checkpoint.load(dir, m)) {
                assertEquals(cfg, l.model().config());
                assertArrayEquals(want, l.model().logits(ids).toFloatArray(), 0f);
            }
            json.remove("rope_parameters");
            Files.writeString(dir.resolve("config.json"), json.toString());
            try (Checkpoint.Loaded l = Checkpoint.load(dir, m)) {
                assertEquals(10000.0, l.model().config().ropeTheta());
                float[] got = l.model().logits(ids).toFloatArray();
                double maxDiff = 0;
                for (int i = 0; i < got.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
                }
                assertTrue(maxDiff > 1e-3, "rope_theta changes the function: " + maxDiff);
            }
        }
    }

    @Test
    void mismatchedCheckpointFailsWithOneMessageListingProblems() throws IOException {
        ModelConfig cfg = TestModels.micro("llama", true);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 5)) {
            Path dir = tmp.resolve("bad");
            Checkpoint.save(dir, d, new ByteTokenizer(), Map.of());
            // claim a wider MLP and an extra layer than the weights have
            ModelConfig wrong = new ModelConfig("llama", 16, 3, 4, 2, 4, 32, 10000.0, 1e-5, 264, 32, true, false, false);
            wrong.write(dir.resolve("config.json"));
            BadInput e = assertThrows(BadInput.class, () -> Checkpoint.load(dir, m));
            String msg = e.getMessage();
            assertTrue(msg.contains("model.layers.0.mlp.gate_proj.weight has shape (24, 16), config wants (32, 16)"), msg);
            assertTrue(msg.contains("missing model.layers.2.input_layernorm.weight"), msg);
            assertTrue(!msg.contains("\n"), "one line");
        }
    }

    @Test
    void unknownArchitectureIsRejected() throws IOException {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, "{\"model_type\": \"gpt2\", \"hidden_size\": 8}");
        BadInput e = assertThrows(BadInput.class, () -> ModelConfig.read(f));
        assertTrue(e.getMessage().contains("gpt2") && e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void realHfConfigReads() throws IOException {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, """
                {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 1024,
                 "num_hidden_layers": 28, "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 128,
                 "intermediate_size": 3072, "rope_theta": 1000000, "rms_norm_eps": 1e-06, "vocab_size": 151936,
                 "max_position_embeddings": 40960, "tie_word_embeddings": true, "attention_bias": false,
                 "rope_scaling": null, "torch_dtype": "bfloat16"}""");
        ModelConfig c = ModelConfig.read(f);
        assertEquals(128, c.headDim());
        assertEquals(2, c.groups());
        assertTrue(c.qkNorm());
        assertEquals(1_000_000.0, c.ropeTheta());
        assertEquals(c, ModelConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                c.toJson().toString())));
    }

    /** BF16 and F16 tensors are widened to F32 in Java; shards are read through the index. */
    @Test
    void widensHalfPrecisionAndReadsShards() throws IOException {
        float[] values = {1.0f, -2.5f, 0.15625f, 65504f, 3.0e-5f, 0f};
        Path dir = tmp.resolve("sharded");
        Files.createDirectories(dir);
        writeHalf(dir.resolve("a.safetensors"), "x", "BF16", values);
        writeHalf(dir.resolve("b.safetensors"), "y", "F16", values);
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\": {}, \"weight_map\": {\"x\": \"a.safetensors\", \"y\": \"b.safetensors\"}}");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = SafeTensors.readModel(dir, m);
            float[] x = t.get("x").toFloatArray();
            float[] y = t.get("y").toFloatArray();
            assertEquals(new Shape(2, 3), t.get("x").getShape());
            for (int i = 0; i < values.length; i++) {
                float bf = Float.intBitsToFloat(Float.floatToIntBits(values[i]) & 0xFFFF0000);
                assertEquals(bf, x[i], 0f);
                assertEquals(values[i], y[i], Math.abs(values[i]) * 1e-3f + 1e-7f);
            }
        }
    }

    private static void writeHalf(Path file, String name, String dtype, float[] v) throws IOException {
        String header = "{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":[2,3],\"data_offsets\":[0,"
                + v.length * 2 + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float f : v) {
            int bits = Float.floatToIntBits(f);
            b.putShort(dtype.equals("BF16") ? (short) (bits >>> 16) : floatToHalf(f));
        }
        Files.write(file, b.array());
    }

    private static short floatToHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xFF) - 127 + 15;
        int mant = bits & 0x7FFFFF;
        if (f == 0f) {
            return (short) sign;
        }
        if (exp <= 0) { // subnormal
            return (short) (sign | ((mant | 0x800000) >> (14 - exp)));
        }
        return (short) (sign | (exp << 10) | (mant >> 13));
    }

    @Test
    void writerOutputIsReadableAndKeepsOrder() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("b", m.create(new float[] {1, 2, 3}, new Shape(3)));
            t.put("a", m.create(new float[] {4, 5, 6, 7}, new Shape(2, 2)));
            Path f = tmp.resolve("t.safetensors");
            SafeTensors.write(f, t, Map.of("format", "pt"));
            assertEquals(0, (Files.size(f) - 28) % 4);
            Map<String, NDArray> r = SafeTensors.read(f, m);
            assertEquals(java.util.List.of("b", "a"), java.util.List.copyOf(r.keySet()));
            assertArrayEquals(new float[] {4, 5, 6, 7}, r.get("a").toFloatArray());
        }
    }
}
