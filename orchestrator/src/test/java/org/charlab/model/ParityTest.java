package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logits parity with Hugging Face transformers: tiny random checkpoints that transformers itself
 * built and saved (src/test/resources/parity/&lt;variant&gt;/, made by
 * src/test/python/make_parity_fixtures.py, which says how to rerun it), loaded through the real
 * checkpoint loader, must give HF's next-token logits (eager attention, fp32) at every prompt
 * position within 1e-4, and HF's greedy continuation token for token, with the KV cache and without.
 */
class ParityTest {

    static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir(String variant) {
        try {
            return Path.of(ParityTest.class.getResource("/parity/" + variant).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode golden(String variant) throws IOException {
        return JSON.readTree(dir(variant).resolve("golden.json").toFile());
    }

    private static long[] ids(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asLong();
        }
        return out;
    }

    /** Max |charlab - HF| over every prompt position and vocabulary entry. */
    static double maxLogitDiff(Decoder model, long[] prompt, float[] hf, NDManager m) {
        float[] ours = model.logits(m.create(prompt, new Shape(1, prompt.length))).toFloatArray();
        assertEquals(hf.length, ours.length);
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs(ours[i] - hf[i]));
        }
        return max;
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama_gqa", "llama_tied", "llama_bias", "llama3_scaling", "mistral_window", "qwen2_bias",
        "qwen3_qknorm", "gemma3_text", "gemma3_softcap"})
    void logitsAtEveryPositionMatchHf(String variant) throws IOException {
        JsonNode g = golden(variant);
        long[] prompt = ids(g.get("prompt"));
        try (NDManager m = NDManager.newBaseManager(); Decoder model = Checkpoint.loadModel(dir(variant), m)) {
            Map<String, NDArray> gold = SafeTensors.read(dir(variant).resolve("golden.safetensors"), m);
            NDArray hf = gold.get("logits");
            assertEquals(new Shape(prompt.length, model.config().vocabSize()), hf.getShape());
            double diff = maxLogitDiff(model, prompt, hf.toFloatArray(), m);
            System.out.printf("parity %-16s max |logit diff| %.2e%n", variant, diff);
            assertTrue(diff < TOLERANCE, variant + ": max |logit diff| " + diff);
            // what charlab writes for this config reads back to the same config
            assertEquals(model.config(), ModelConfig.fromJson(JSON.readTree(model.config().toJson().toString())));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama_gqa", "llama_tied", "llama_bias", "llama3_scaling", "mistral_window", "qwen2_bias",
        "qwen3_qknorm", "gemma3_text", "gemma3_softcap"})
    void greedyContinuationMatchesHfWithAndWithoutCache(String variant) throws IOException {
        JsonNode g = golden(variant);
        long[] prompt = ids(g.get("prompt"));
        long[] hf = ids(g.get("greedy"));
        try (NDManager m = NDManager.newBaseManager(); Decoder model = Checkpoint.loadModel(dir(variant), m)) {
            assertArrayEquals(hf, greedyCached(model, prompt, hf.length, m), variant + " with KV cache");
            assertArrayEquals(hf, greedyRecomputed(model, prompt, hf.length, m), variant + " without cache");
        }
    }

    /**
     * Packed rows: the prompt as the second document of a row (after its own first 16 tokens as a
     * first document) gets HF's logits of the prompt alone, so document masks, restarted positions
     * and sliding windows combine as they should.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama_gqa", "mistral_window", "qwen3_qknorm", "gemma3_text", "gemma3_softcap"})
    void packedRowGivesEachDocumentItsOwnLogits(String variant) throws IOException {
        long[] prompt = ids(golden(variant).get("prompt"));
        int first = 16;
        int t = first + prompt.length;
        long[] row = new long[t];
        long[] pos = new long[t];
        long[] doc = new long[t];
        for (int i = 0; i < t; i++) {
            boolean second = i >= first;
            row[i] = second ? prompt[i - first] : prompt[i];
            pos[i] = second ? i - first : i;
            doc[i] = second ? 1 : 0;
        }
        try (NDManager m = NDManager.newBaseManager(); Decoder model = Checkpoint.loadModel(dir(variant), m)) {
            float[] hf = SafeTensors.read(dir(variant).resolve("golden.safetensors"), m).get("logits").toFloatArray();
            int v = model.config().vocabSize();
            float[] packed = model.packedLogits(m.create(row, new Shape(1, t)), m.create(pos, new Shape(1, t)),
                    m.create(doc, new Shape(1, t))).toFloatArray();
            double max = 0;
            for (int i = 0; i < first; i++) { // first document: HF's logits of the prompt's first 16 tokens
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, Math.abs(packed[i * v + j] - hf[i * v + j]));
                }
            }
            for (int i = 0; i < prompt.length; i++) {
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, Math.abs(packed[(first + i) * v + j] - hf[i * v + j]));
                }
            }
            assertTrue(max < TOLERANCE, variant + " packed: max |logit diff| " + max);
        }
    }

    /** Greedy decoding as the generator does it: prefill the prompt into the KV cache, then one token a step. */
    static long[] greedyCached(Decoder model, long[] prompt, int n, NDManager m) {
        long[] out = new long[n];
        try (KvCache cache = KvCache.allocate(model.config(), m, 1, prompt.length + n)) {
            long[] input = prompt;
            for (int k = 0; k < n; k++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray logits = model.forward(step.create(input, new Shape(1, input.length)), null, null, cache,
                            true);
                    out[k] = logits.reshape(-1).argMax().toType(DataType.INT64, false).getLong();
                }
                input = new long[] {out[k]};
            }
        }
        return out;
    }

    /** Greedy decoding recomputing the whole sequence every step (no cache). */
    static long[] greedyRecomputed(Decoder model, long[] prompt, int n, NDManager m) {
        long[] seq = java.util.Arrays.copyOf(prompt, prompt.length + n);
        for (int k = 0; k < n; k++) {
            int len = prompt.length + k;
            try (NDManager step = m.newSubManager()) {
                NDArray logits = model.forward(step.create(java.util.Arrays.copyOf(seq, len), new Shape(1, len)), null,
                        null, null, true);
                seq[len] = logits.reshape(-1).argMax().toType(DataType.INT64, false).getLong();
            }
        }
        return java.util.Arrays.copyOfRange(seq, prompt.length, seq.length);
    }
}
