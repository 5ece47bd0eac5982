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
        "qwen3_qknorm", "gemma3_text", "gemma3_softcap", "gemma3_vision"})
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
        "qwen3_qknorm", "gemma3_text", "gemma3_softcap", "gemma3_vision"})
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

    /**
     * A left-padded batch through the KV cache, as the generator runs it: row 0 is 6 padding
     * columns then the prompt's first 18 tokens, row 1 the whole prompt; then 6 cached steps feed
     * row 0 the rest of the prompt and row 1 HF's greedy tokens. Every real position must get HF's
     * logits (row 0's window counts columns, which padding does not break), and row 1 HF's greedy path.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama_gqa", "mistral_window", "gemma3_text", "gemma3_softcap"})
    void leftPaddedCachedBatchMatchesHf(String variant) throws IOException {
        JsonNode g = golden(variant);
        long[] prompt = ids(g.get("prompt"));
        long[] greedy = ids(g.get("greedy"));
        int pad = 6;
        int t = prompt.length;
        int steps = 6;
        try (NDManager m = NDManager.newBaseManager(); Decoder model = Checkpoint.loadModel(dir(variant), m);
                KvCache cache = KvCache.allocate(model.config(), m, 2, t + steps)) {
            float[] hf = SafeTensors.read(dir(variant).resolve("golden.safetensors"), m).get("logits").toFloatArray();
            int v = model.config().vocabSize();
            float[] keyMask = new float[2 * (t + steps)];
            java.util.Arrays.fill(keyMask, 0, pad, Decoder.MASKED);
            long[] ids = new long[2 * t];
            long[] pos = new long[2 * t];
            for (int c = 0; c < t; c++) {
                ids[c] = c < pad ? 0 : prompt[c - pad];
                pos[c] = Math.max(0, c - pad);
                ids[t + c] = prompt[c];
                pos[t + c] = c;
            }
            double max = 0;
            for (int k = 0; k <= steps; k++) {
                int width = k == 0 ? t : 1;
                int s = cache.length() + width;
                try (NDManager step = m.newSubManager()) {
                    float[] km = new float[2 * s];
                    System.arraycopy(keyMask, 0, km, 0, s);
                    System.arraycopy(keyMask, t + steps, km, s, s);
                    float[] out = model.forward(step.create(ids, new Shape(2, width)), step.create(pos, new Shape(2, width)),
                            step.create(km, new Shape(2, s)), cache, false).toFloatArray();
                    for (int c = 0; c < width; c++) {
                        int p0 = (int) pos[c]; // row 0: HF's logits at its position, for real columns
                        if (k > 0 || c >= pad) {
                            for (int j = 0; j < v; j++) {
                                max = Math.max(max, Math.abs(out[c * v + j] - hf[p0 * v + j]));
                            }
                        }
                    }
                    int last = (width - 1) * v + width * v; // row 1, last column
                    long next = 0;
                    for (int j = 1; j < v; j++) {
                        next = out[last + j] > out[last + (int) next] ? j : next;
                    }
                    if (k == 0) {
                        for (int c = 0; c < t; c++) {
                            for (int j = 0; j < v; j++) {
                                max = Math.max(max, Math.abs(out[(t + c) * v + j] - hf[c * v + j]));
                            }
                        }
                    }
                    assertEquals(greedy[k], next, variant + " row 1 greedy step " + k);
                }
                if (k < steps) {
                    ids = new long[] {prompt[t - pad + k], greedy[k]};
                    pos = new long[] {t - pad + k, t + k};
                }
            }
            assertTrue(max < TOLERANCE, variant + " left-padded cached batch: max |logit diff| " + max);
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
