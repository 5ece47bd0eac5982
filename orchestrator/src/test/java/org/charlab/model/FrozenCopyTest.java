package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Decoder#frozenCopy}: fp16 storage of the matrices, fp32 compute. No test here creates a
 * bfloat16 array (it aborts the JVM, docs/precision.md).
 */
class FrozenCopyTest {

    static {
        TestModels.oneThread();
    }

    static long bytes(Decoder d, DataType type) {
        return d.parameters().values().stream().filter(a -> a.getDataType() == type)
                .mapToLong(a -> a.size() * type.getNumOfBytes()).sum();
    }

    /**
     * The fp16 copy's logits are the fp32 model's within 1e-3 of their largest magnitude, and not identical
     * (measured: 2.2e-4 llama, 3.1e-4 qwen2, 3.0e-4 qwen3, 8.8e-4 gemma3 with every option on).
     */
    @ParameterizedTest
    @CsvSource({"llama,true", "qwen2,false", "qwen3,false", "gemma3_sliding,false"})
    void halfPrecisionLogitsFollowFp32(String arch, boolean tied) {
        ModelConfig cfg = TestModels.micro(arch, tied);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 7);
                Decoder full = d.frozenCopy(m, DataType.FLOAT32); Decoder half = d.frozenCopy(m, DataType.FLOAT16)) {
            NDArray ids = m.create(DecoderTest.randomIds(2 * 12, cfg.vocabSize(), 3), new Shape(2, 12));
            float[] ref = d.logits(ids).toFloatArray();
            float[] same = full.logits(ids).toFloatArray();
            float[] got = half.logits(ids).toFloatArray();
            double maxRef = 0;
            double maxErr = 0;
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], same[i], 0f, "an fp32 copy is exact");
                maxRef = Math.max(maxRef, Math.abs(ref[i]));
                maxErr = Math.max(maxErr, Math.abs(ref[i] - got[i]));
            }
            double rel = maxErr / maxRef;
            assertTrue(rel < 1e-3, "relative error " + rel);
            assertTrue(rel > 1e-6, "fp16 storage must round something: " + rel);
            assertEquals(DataType.FLOAT32, half.logits(ids).getDataType());
        }
    }

    /** Matrices in fp16, norms and biases fp32: the bytes MemoryArithmetic.frozenBytes counts, about half. */
    @ParameterizedTest
    @CsvSource({"llama,true", "qwen2,false", "gemma3_sliding,false"})
    void halfCopyHoldsHalfTheMatrixBytes(String arch, boolean tied) {
        ModelConfig cfg = TestModels.micro(arch, tied);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 7);
                Decoder half = d.frozenCopy(m, DataType.FLOAT16)) {
            long fp32 = bytes(d, DataType.FLOAT32);
            assertEquals(4 * MemoryArithmetic.parameters(cfg), fp32);
            assertEquals(MemoryArithmetic.frozenBytes(cfg, false), fp32);
            long h = bytes(half, DataType.FLOAT16);
            long f = bytes(half, DataType.FLOAT32);
            assertEquals(MemoryArithmetic.frozenBytes(cfg, true), h + f);
            half.parameters().forEach((name, a) -> assertEquals(a.getShape().dimension() == 2 ? DataType.FLOAT16
                    : DataType.FLOAT32, a.getDataType(), name));
            assertTrue(f > 0 && f < 0.05 * fp32, "norms and biases stay fp32: " + f);
            double ratio = (double) (h + f) / fp32;
            assertTrue(ratio > 0.5 && ratio < 0.52, "about half: " + ratio);
            assertFalse(half.parameters().values().stream().anyMatch(NDArray::hasGradient), "frozen");
        }
    }

    /**
     * The upcast fp32 temporaries are closed per op: after a forward pass the step's manager holds as
     * many arrays as with an fp32 copy (not 7 per layer + lm_head more) and the decoder's own manager
     * none more, with and without an open GradientCollector (DPO scores its reference inside one).
     */
    @Test
    void upcastTemporariesAreClosedPerOp() {
        ModelConfig cfg = TestModels.micro("qwen2", false);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 7);
                Decoder full = d.frozenCopy(m, DataType.FLOAT32); Decoder half = d.frozenCopy(m, DataType.FLOAT16)) {
            long[] ids = DecoderTest.randomIds(2 * 8, cfg.vocabSize(), 1);
            for (boolean collector : new boolean[] {false, true}) {
                int fullArrays = stepArrays(full, ids, collector);
                int halfModel = half.manager().getManagedArrays().size();
                int halfArrays = stepArrays(half, ids, collector);
                assertTrue(fullArrays > 20, "a forward pass leaves its activations: " + fullArrays);
                assertEquals(fullArrays, halfArrays, "collector " + collector);
                assertEquals(halfModel, half.manager().getManagedArrays().size(), "the model's manager never grows");
            }
        }
    }

    /** Arrays left in a step's sub-manager after one forward pass of {@code d}. */
    static int stepArrays(Decoder d, long[] ids, boolean collector) {
        try (NDManager step = d.manager().newSubManager()) {
            NDArray x = step.create(ids, new Shape(2, ids.length / 2));
            if (collector) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    assertTrue(JniUtils.isGradMode());
                    d.logits(x);
                }
            } else {
                assertFalse(JniUtils.isGradMode());
                d.logits(x);
            }
            return step.getManagedArrays().size();
        }
    }

    /** Both copies own their storage: training the original in place changes neither. */
    @Test
    void copiesAreIndependentOfTheOriginal() {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TestModels.micro("llama", false), m, 7);
                Decoder full = d.frozenCopy(m, DataType.FLOAT32); Decoder half = d.frozenCopy(m, DataType.FLOAT16)) {
            for (String name : new String[] {"lm_head.weight", "model.layers.0.mlp.up_proj.weight", "model.norm.weight"}) {
                float[] f = full.parameters().get(name).toFloatArray();
                float[] h = half.parameters().get(name).toType(DataType.FLOAT32, true).toFloatArray();
                d.parameters().get(name).muli(m.create(2f));
                assertEquals(java.util.Arrays.toString(f), java.util.Arrays.toString(full.parameters().get(name)
                        .toFloatArray()), name);
                assertEquals(java.util.Arrays.toString(h), java.util.Arrays.toString(half.parameters().get(name)
                        .toType(DataType.FLOAT32, true).toFloatArray()), name);
            }
        }
    }

    @Test
    void bfloat16IsRefusedBeforeAnyArrayIsMade() {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TestModels.micro("llama", true), m, 7)) {
            int before = m.getManagedArrays().size() + d.manager().getManagedArrays().size();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> d.frozenCopy(m, DataType.BFLOAT16));
            assertTrue(e.getMessage().contains("aborts the JVM") && !e.getMessage().contains("\n"), e.getMessage());
            assertEquals(before, m.getManagedArrays().size() + d.manager().getManagedArrays().size());
            assertThrows(IllegalArgumentException.class, () -> d.frozenCopy(m, DataType.INT32));
        }
    }

    @Test
    void frozenBytesByHand() {
        // D 16, L 2, H 4, KV 2, hd 4, I 24, V 264, tied: matrices 264*16 + 2 (16*16*2 + 16*8*2 + 3*16*24) = 9,088
        ModelConfig cfg = TestModels.micro("llama", true);
        long matrices = 264 * 16 + 2 * (2 * 16 * 16 + 2 * 16 * 8 + 3 * 16 * 24);
        long vectors = MemoryArithmetic.parameters(cfg) - matrices;
        assertEquals(2 * 2 * 16 + 16, vectors, "two norms per layer and the final one");
        assertEquals(2 * matrices + 4 * vectors, MemoryArithmetic.frozenBytes(cfg, true));
    }
}
