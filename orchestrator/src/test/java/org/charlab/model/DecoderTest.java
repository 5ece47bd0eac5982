package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.train.TokenLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecoderTest {

    static {
        TestModels.oneThread();
    }

    static long[] randomIds(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return ids;
    }

    @Test
    void parameterNamesAndCountFollowHf() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig cfg = ModelConfig.tiny();
            try (Decoder d = Decoder.init(cfg, m, 1)) {
                long n = d.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
                assertEquals(cfg.parameterCount(), n);
                assertTrue(d.parameters().containsKey("model.layers.3.self_attn.q_proj.weight"));
                assertEquals(new Shape(64, 128), d.parameters().get("model.layers.0.self_attn.k_proj.weight").getShape());
            }
            ModelConfig g = TestModels.micro("gemma3_sliding", false);
            try (Decoder d = Decoder.init(g, m, 1)) {
                assertEquals(g.parameterCount(), d.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum());
                assertTrue(d.parameters().containsKey("model.layers.1.pre_feedforward_layernorm.weight"));
                assertTrue(d.parameters().containsKey("model.layers.1.self_attn.o_proj.bias"));
                assertEquals(0f, d.parameters().get("model.norm.weight").getFloat(0), "Gemma norms start at 0: (1 + w)");
            }
            ModelConfig q3 = TestModels.micro("qwen3", false);
            try (Decoder d = Decoder.init(q3, m, 1)) {
                assertTrue(d.parameters().containsKey("model.layers.1.self_attn.q_norm.weight"));
                assertTrue(d.parameters().containsKey("lm_head.weight"));
            }
        }
    }

    /** Causality: changing a later token must not change earlier logits. */
    @Test
    void futureTokensDoNotLeak() {
        ModelConfig cfg = TestModels.micro("llama", true);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 3)) {
            long[] a = randomIds(10, cfg.vocabSize(), 5);
            long[] b = a.clone();
            b[7] = (b[7] + 1) % cfg.vocabSize();
            float[] la = d.logits(m.create(a, new Shape(1, 10))).toFloatArray();
            float[] lb = d.logits(m.create(b, new Shape(1, 10))).toFloatArray();
            int v = cfg.vocabSize();
            for (int i = 0; i < 7 * v; i++) {
                assertEquals(la[i], lb[i], 1e-6f, "position " + i / v);
            }
            assertTrue(Math.abs(la[8 * v] - lb[8 * v]) > 1e-7, "a later position must see the change");
        }
    }

    /** Incremental decoding through the KV cache gives the same logits as one full pass. */
    @ParameterizedTest
    @CsvSource({"llama,true", "qwen2,false", "qwen3,true", "gemma3_sliding,false", "gemma3_sliding,true"})
    void cachedLogitsMatchFullPass(String arch, boolean tied) {
        ModelConfig cfg = TestModels.micro(arch, tied);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 11)) {
            randomizeNormsAndBiases(d, m);
            int b = 3;
            int t = 12;
            long[] ids = randomIds(b * t, cfg.vocabSize(), 9);
            float[] full = d.logits(m.create(ids, new Shape(b, t))).toFloatArray();
            try (KvCache cache = KvCache.allocate(cfg, m, b, t)) {
                int v = cfg.vocabSize();
                // prefill 5 tokens, then one at a time
                int pos = 0;
                for (int chunk : new int[] {5, 1, 1, 2, 1, 1, 1}) {
                    long[] part = new long[b * chunk];
                    for (int r = 0; r < b; r++) {
                        System.arraycopy(ids, r * t + pos, part, r * chunk, chunk);
                    }
                    try (NDManager step = m.newSubManager()) {
                        float[] got = d.forward(step.create(part, new Shape(b, chunk)), null, null, cache, false)
                                .toFloatArray();
                        for (int r = 0; r < b; r++) {
                            for (int c = 0; c < chunk; c++) {
                                for (int k = 0; k < v; k++) {
                                    float want = full[(r * t + pos + c) * v + k];
                                    assertEquals(want, got[(r * chunk + c) * v + k], 1e-4f);
                                }
                            }
                        }
                    }
                    pos += chunk;
                }
                assertEquals(12, cache.length());
            }
        }
    }

    /** Norm weights of 1 and zero biases would hide bugs in their gradients and placement. */
    static void randomizeNormsAndBiases(Decoder d, NDManager m) {
        SplittableRandom r = new SplittableRandom(42);
        for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
            NDArray p = e.getValue();
            if (e.getKey().contains("norm") || e.getKey().endsWith(".bias")) {
                float[] x = p.toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    x[i] = e.getKey().contains("norm") ? (float) (0.5 + r.nextDouble()) : (float) (0.1 * r.nextGaussian());
                }
                p.set(x);
            }
        }
    }

    /**
     * Backprop of the whole model against central finite differences, one random direction per
     * parameter tensor, with System.gc() forced between forward and backward (DJL frees Number
     * scalars that autograd still needs; a GC then corrupts gradients).
     */
    @ParameterizedTest
    @CsvSource({"llama,true", "qwen2,false", "qwen3,false", "gemma3_sliding,false"})
    void gradientsMatchFiniteDifferencesUnderGc(String arch, boolean tied) {
        ModelConfig cfg = TestModels.micro(arch, tied);
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 7)) {
            randomizeNormsAndBiases(d, m);
            // scale weights up so the attention is not uniform and every path matters
            for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
                if (e.getKey().endsWith("proj.weight")) {
                    e.getValue().muli(10f);
                }
            }
            int b = 2;
            int t = 7;
            long[] ids = randomIds(b * (t + 1), cfg.vocabSize(), 3);
            long[] in = new long[b * t];
            long[] tg = new long[b * t];
            float[] mask = new float[b * t];
            for (int r = 0; r < b; r++) {
                for (int c = 0; c < t; c++) {
                    in[r * t + c] = ids[r * (t + 1) + c];
                    tg[r * t + c] = ids[r * (t + 1) + c + 1];
                    mask[r * t + c] = (c + r) % 3 == 0 ? 0f : 1f;
                }
            }
            Shape sh = new Shape(b, t);
            d.setTrainable(true);
            try (NDManager step = m.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = TokenLoss.maskedNll(d.logits(step.create(in, sh)), step.create(tg, sh),
                            step.create(mask, sh));
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        byte[][] junk = new byte[64][];
                        for (int j = 0; j < junk.length; j++) {
                            junk[j] = new byte[1 << 16];
                        }
                        System.gc();
                    }
                    gc.backward(loss);
                }
            }
            Map<String, float[]> grads = new java.util.HashMap<>();
            d.parameters().forEach((k, p) -> grads.put(k, p.getGradient().toFloatArray()));
            d.setTrainable(false);
            SplittableRandom r = new SplittableRandom(99);
            int checked = 0;
            for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
                NDArray p = e.getValue();
                float[] g = grads.get(e.getKey());
                float[] dir = new float[g.length];
                double analytic = 0;
                double dirNorm = 0;
                for (int i = 0; i < dir.length; i++) {
                    dir[i] = (float) r.nextGaussian();
                    dirNorm += dir[i] * dir[i];
                }
                dirNorm = Math.sqrt(dirNorm);
                for (int i = 0; i < dir.length; i++) {
                    dir[i] /= (float) dirNorm;
                    analytic += g[i] * dir[i];
                }
                float[] orig = p.toFloatArray();
                double h = 1e-2;
                double lp = lossWith(d, m, p, orig, dir, h, in, tg, mask, sh);
                double lm = lossWith(d, m, p, orig, dir, -h, in, tg, mask, sh);
                p.set(orig);
                double numeric = (lp - lm) / (2 * h);
                double tol = 2e-3 + 3e-2 * Math.abs(numeric);
                assertEquals(numeric, analytic, tol, e.getKey() + ": numeric " + numeric + " vs backprop " + analytic);
                assertTrue(Math.abs(analytic) > 1e-6 || e.getKey().contains("embed"),
                        e.getKey() + " has no gradient signal: " + analytic);
                checked++;
            }
            assertEquals(d.parameters().size(), checked);
        }
    }

    private static double lossWith(Decoder d, NDManager m, NDArray p, float[] orig, float[] dir, double h, long[] in,
            long[] tg, float[] mask, Shape sh) {
        float[] x = orig.clone();
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) (h * dir[i]);
        }
        p.set(x);
        try (NDManager step = m.newSubManager()) {
            return TokenLoss.maskedNll(d.logits(step.create(in, sh)), step.create(tg, sh), step.create(mask, sh))
                    .getFloat();
        }
    }

    @Test
    void logitsShapeAndLastOnly() {
        ModelConfig cfg = TestModels.micro("llama", true);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 3)) {
            NDArray ids = m.create(randomIds(2 * 6, cfg.vocabSize(), 1), new Shape(2, 6));
            NDArray all = d.logits(ids);
            assertEquals(new Shape(2, 6, cfg.vocabSize()), all.getShape());
            NDArray last = d.forward(ids, null, null, null, true);
            assertEquals(new Shape(2, 1, cfg.vocabSize()), last.getShape());
            assertArrayEquals(all.get(":, -1:, :").toFloatArray(), last.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void copyIsIdenticalAndIndependent() {
        ModelConfig cfg = TestModels.micro("qwen2", false);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 3)) {
            NDArray ids = m.create(randomIds(6, cfg.vocabSize(), 1), new Shape(1, 6));
            float[] want = d.logits(ids).toFloatArray();
            try (Decoder c = d.copy(m)) {
                assertArrayEquals(want, c.logits(ids).toFloatArray(), 0f);
                d.parameters().get("model.norm.weight").muli(2f);
                assertArrayEquals(want, c.logits(ids).toFloatArray(), 0f);
            }
        }
    }
}
