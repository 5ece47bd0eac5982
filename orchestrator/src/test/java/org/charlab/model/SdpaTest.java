package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The fused attention module: the manual softmax(q k^T + mask) v and its gradients, with and without a mask. */
class SdpaTest {

    static {
        TestModels.oneThread();
    }

    /** Max |a - b| / max |a|. */
    static double rel(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat() / a.abs().max().getFloat();
    }

    /** Output and the gradients of q, k, v for a random upstream gradient, through {@code fused} or by hand. */
    static NDArray[] run(NDManager m, boolean fused, NDArray mask, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        NDArray q = m.randomNormal(new Shape(2, 2, 6, 8));
        NDArray k = m.randomNormal(new Shape(2, 2, 5, 8));
        NDArray v = m.randomNormal(new Shape(2, 2, 5, 8));
        NDArray up = m.randomNormal(new Shape(2, 2, 6, 8));
        for (NDArray a : new NDArray[] {q, k, v}) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray o;
            if (fused) {
                o = Sdpa.attend(q, k, v, mask);
            } else {
                NDArray s = q.matMul(k.transpose(0, 1, 3, 2));
                o = (mask == null ? s : s.add(mask)).softmax(-1).matMul(v);
            }
            gc.backward(o.mul(up).sum());
            return new NDArray[] {o.duplicate(), q.getGradient().duplicate(), k.getGradient().duplicate(),
                    v.getGradient().duplicate()};
        }
    }

    @Test
    void fusedAttentionMatchesTheEquationAndItsGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            // causal additive mask over the 5 keys, broadcast over batch and heads
            float[] mk = new float[6 * 5];
            for (int t = 0; t < 6; t++) {
                for (int s = 0; s < 5; s++) {
                    mk[t * 5 + s] = s > t ? Decoder.MASKED : 0f;
                }
            }
            NDArray mask = m.create(mk, new Shape(1, 1, 6, 5));
            for (NDArray msk : new NDArray[] {mask, null}) {
                NDArray[] want = run(m, false, msk, 3);
                NDArray[] got = run(m, true, msk, 3);
                String[] what = {"output", "dq", "dk", "dv"};
                for (int i = 0; i < 4; i++) {
                    double r = rel(want[i], got[i]);
                    assertTrue(r < 1e-5, what[i] + (msk == null ? " unmasked" : " masked") + " differs by " + r);
                }
            }
            // a fully masked row (a padded query) stays finite, as with the finite MASKED by hand
            NDArray all = m.full(new Shape(1, 1, 6, 5), Decoder.MASKED);
            assertFalse(run(m, true, all, 4)[0].isNaN().any().getBoolean());
        }
    }

    @Test
    void gradientsRepeatBitIdenticallyOnTwoThreads() {
        int before = JniUtils.getNumThreads();
        JniUtils.setNumThreads(2); // the kernel splits the work over threads: its sums must not depend on timing
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] first = null;
            for (int rep = 0; rep < 3; rep++) {
                Engine.getInstance().setRandomSeed(9);
                NDArray q = m.randomNormal(new Shape(4, 2, 256, 32));
                NDArray k = m.randomNormal(new Shape(4, 2, 256, 32));
                NDArray v = m.randomNormal(new Shape(4, 2, 256, 32));
                for (NDArray a : new NDArray[] {q, k, v}) {
                    a.setRequiresGradient(true);
                }
                float[][] got;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(Sdpa.attend(q, k, v, null).square().sum());
                    got = new float[][] {q.getGradient().toFloatArray(), k.getGradient().toFloatArray(),
                            v.getGradient().toFloatArray()};
                }
                if (first == null) {
                    first = got;
                } else {
                    for (int i = 0; i < 3; i++) {
                        org.junit.jupiter.api.Assertions.assertArrayEquals(first[i], got[i], "repeat " + rep);
                    }
                }
            }
        } finally {
            JniUtils.setNumThreads(before);
        }
    }

    @Test
    void withoutGradModeTheCallBuildsNoGraph() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(1, 1, 3, 4));
            NDArray k = m.randomNormal(new Shape(1, 1, 3, 4));
            q.setRequiresGradient(true);
            boolean before = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                assertFalse(JniUtils.requiresGrad((ai.djl.pytorch.engine.PtNDArray) Sdpa.attend(q, k, k, null)));
            } finally {
                JniUtils.setGradMode(before);
            }
            assertTrue(Sdpa.attend(q, k, k, null).getDataType() == DataType.FLOAT32);
        }
    }
}
