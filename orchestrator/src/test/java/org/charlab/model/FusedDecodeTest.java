package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The inference path with fused q/k/v and gate/up weights ({@link Decoder#fuseForInference}). */
class FusedDecodeTest {

    static {
        TestModels.oneThread();
    }

    /**
     * Left-padded prefill then single-token steps with per-row positions and a key mask, as the
     * generator decodes: the fused path must give the same logits bit for bit as the separate
     * projections (greedy and seeded sampled outputs depend on it), and create fewer arrays per step.
     */
    @ParameterizedTest
    @CsvSource({"llama,true", "qwen2,false", "qwen3,true", "gemma3_sliding,false", "gemma3_sliding,true", "tiny,true"})
    void fusedDecodingGivesIdenticalLogitsWithFewerOps(String arch, boolean tied) {
        ModelConfig cfg = arch.equals("tiny") ? ModelConfig.tiny() : TestModels.micro(arch, tied);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 11)) {
            DecoderTest.randomizeNormsAndBiases(d, m);
            int[] plain = new int[1];
            List<float[]> want = decode(d, m, cfg, plain);
            int[] fusedArrays = new int[1];
            List<float[]> got;
            try (FusedWeights f = d.fuseForInference()) {
                got = decode(d, m, cfg, fusedArrays);
            }
            for (int i = 0; i < want.size(); i++) {
                assertSameUpToRounding(want.get(i), got.get(i), cfg.vocabSize(), "step " + i + " (0 = prefill)");
            }
            // models with q/k norms (qwen3, gemma3) are not fused
            assertTrue(cfg.qkNorm() ? fusedArrays[0] == plain[0] : fusedArrays[0] < plain[0],
                    "arrays per decode step: fused " + fusedArrays[0] + ", separate "
                    + plain[0]);
            // closed scope: back to the separate projections
            int[] after = new int[1];
            decode(d, m, cfg, after);
            assertTrue(after[0] == plain[0], "after the scope " + after[0] + " arrays, before " + plain[0]);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * The fused logits are the separate projections' up to float rounding, with the same greedy token
     * in every row. MKL picks its GEMM kernels per CPU and problem shape: on the Intel Xeon host the
     * fused q/k/v and gate/up matmuls round exactly as the separate ones, on the AMD EPYC host they
     * differ in the last bits for the micro models' shapes (the tiny model's are identical on both),
     * so bit-identity is a property of the machine, not of the code. A wrong fusion (weights
     * concatenated in the wrong order, a missed bias) differs by the logits' own scale.
     */
    private static void assertSameUpToRounding(float[] want, float[] got, int vocab, String what) {
        assertEquals(want.length, got.length, what);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        assertTrue(worst <= 1e-6 * Math.max(scale, 1e-3), what + ": logits differ by " + worst + " at scale " + scale);
        for (int row = 0; row < want.length / vocab; row++) {
            assertEquals(argmax(want, row * vocab, vocab), argmax(got, row * vocab, vocab), what + ", greedy token of row " + row);
        }
    }

    private static int argmax(float[] a, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[from + i] > a[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** 3 rows (the first two left-padded), prefill of 6 columns, 4 single-token steps. */
    private static List<float[]> decode(Decoder d, NDManager m, ModelConfig cfg, int[] arraysPerStep) {
        return decode(d, m, cfg, new int[] {2, 1, 0}, 6, 4, arraysPerStep);
    }

    /**
     * Left-padded prefill ({@code pad[r]} padding columns in row r, {@code prompt} columns) then
     * {@code steps} single-token steps with per-row positions and a key mask, as the generator
     * decodes; the logits of the prefill and of every step, and in {@code arraysPerStep[0]} the arrays
     * one step created.
     */
    static List<float[]> decode(Decoder d, NDManager m, ModelConfig cfg, int[] pad, int prompt, int steps,
            int[] arraysPerStep) {
        int b = pad.length;
        int cap = prompt + steps;
        float[] mask = new float[b * cap];
        long[] ids = DecoderTest.randomIds(b * prompt, cfg.vocabSize(), 7);
        long[] pos = new long[b * prompt];
        for (int r = 0; r < b; r++) {
            for (int c = 0; c < prompt; c++) {
                pos[r * prompt + c] = Math.max(0, c - pad[r]);
                if (c < pad[r]) {
                    mask[r * cap + c] = Decoder.MASKED;
                }
            }
        }
        List<float[]> out = new ArrayList<>();
        try (KvCache cache = KvCache.allocate(cfg, m, b, cap); NDManager g = m.newSubManager()) {
            NDArray maskAll = g.create(mask, new Shape(b, cap));
            try (NDManager s = g.newSubManager()) {
                NDArray km = maskAll.get(":, :" + prompt);
                out.add(d.forward(s.create(ids, new Shape(b, prompt)), s.create(pos, new Shape(b, prompt)), km, cache,
                        true).toFloatArray());
            }
            for (int step = 0; step < steps; step++) {
                try (NDManager s = g.newSubManager()) {
                    long[] next = new long[b];
                    long[] p = new long[b];
                    for (int r = 0; r < b; r++) {
                        next[r] = (step * 7L + r * 3L) % cfg.vocabSize();
                        p[r] = prompt + step - pad[r];
                    }
                    NDArray km = maskAll.get(":, :" + (prompt + step + 1));
                    km.attach(s);
                    int before = s.getManagedArrays().size();
                    NDArray logits = d.forward(s.create(next, new Shape(b, 1)), s.create(p, new Shape(b, 1)), km, cache,
                            true);
                    arraysPerStep[0] = s.getManagedArrays().size() - before - 2;
                    out.add(logits.toFloatArray());
                }
            }
            assertEquals(cap, cache.length());
        }
        return out;
    }

    /** Adapters hook single projections: no fusion while they are attached; attaching ends a fused scope. */
    @Test
    void adaptersTurnFusionOff() {
        ModelConfig cfg = TestModels.micro("llama", true);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 3)) {
            FusedWeights open = d.fuseForInference();
            assertTrue(open.qkv.length == cfg.numHiddenLayers() && open.qkv[0] != null);
            assertSame(0, d.fuseForInference().qkv.length, "a second scope fuses nothing");
            LoraAdapters.attach(d, 2, 4, 0, List.of("q_proj", "v_proj"), 1);
            assertTrue(open.qkv[0].isReleased(), "attaching adapters released the fused copies");
            assertSame(0, d.fuseForInference().qkv.length, "no fusion with adapters attached");
            open.close();
        }
    }
}
