package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A cached decode step in one TorchScript call ({@link DecodeStep}) against the same step op by op. */
class DecodeStepTest {

    static {
        TestModels.oneThread();
    }

    /**
     * Which models the compiled step covers: Llama-style (Mistral without a sliding window too);
     * Qwen2's biases, Qwen3's q/k norms and Gemma 3 decode op by op.
     */
    @ParameterizedTest
    @CsvSource({"llama,true", "mistral,true", "qwen2,false", "qwen3,false", "gemma3_sliding,false"})
    void coversLlamaStyleModelsOnly(String arch, boolean covered) {
        ModelConfig cfg = TestModels.micro(arch, true);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 1);
                FusedWeights f = d.fuseForInference()) {
            if (covered) {
                assertNotNull(f.step, arch);
            } else {
                assertNull(f.step, arch);
            }
        }
    }

    /**
     * Left-padded rows of different lengths, then 12 single-token steps: the compiled step gives the
     * op-by-op fused path's logits bit for bit at every step (the KV cache it writes included, or
     * later steps would drift), and leaves the cache where the op-by-op path leaves it.
     */
    @Test
    void compiledStepsGiveTheSameLogitsBitForBit() {
        for (ModelConfig cfg : List.of(TestModels.micro("llama", true), TestModels.micro("llama", false),
                ModelConfig.tiny().withVocabSize(1024))) {
            try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 5)) {
                DecoderTest.randomizeNormsAndBiases(d, m);
                checkSameLogits(d, m);
            }
        }
    }

    /** The same on the real trained Llama checkpoint of shared/real-model (skipped, with the reason, without it). */
    @Test
    void onARealCheckpointToo() {
        java.nio.file.Path hf = org.charlab.testing.RealModel.hfDir();
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Checkpoint.loadModel(hf, m)) {
            checkSameLogits(d, m);
        }
    }

    private static void checkSameLogits(Decoder d, NDManager m) {
        ModelConfig cfg = d.config();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (FusedWeights f = d.fuseForInference()) {
            DecodeStep compiled = f.step;
            assertNotNull(compiled, "the compiled step applies to " + cfg.modelType());
            List<float[]> want;
            try {
                f.step = null; // the same scope op by op
                want = decode(d, m, cfg);
            } finally {
                f.step = compiled;
            }
            List<float[]> got = decode(d, m, cfg);
            assertEquals(want.size(), got.size());
            for (int i = 0; i < want.size(); i++) {
                assertArrayEquals(want.get(i), got.get(i), cfg.hiddenSize() + "d, step " + i + " (0 = prefill)");
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** 4 rows, three left-padded, a 7-column prefill, 12 single-token steps. */
    private static List<float[]> decode(Decoder d, NDManager m, ModelConfig cfg) {
        return FusedDecodeTest.decode(d, m, cfg, new int[] {3, 0, 1, 6}, 7, 12, new int[1]);
    }
}
