package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.model.Decoder;
import org.charlab.model.Lanes;
import org.charlab.model.LoraAdapters;
import org.charlab.model.LoraTargets;
import org.charlab.model.ModelConfig;
import org.charlab.model.TestModels;
import org.charlab.stage.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training in lanes: a micro-batch trained in slices on two lanes gives the gradient, loss and
 * parts of one pass over the whole batch; the views share the weights; runs repeat bit-identically.
 */
class TrainLanesTest {

    static {
        // the fixtures' classes set one intra-op thread when they load: load them before any test sets two
        try {
            Class.forName(TrainerTest.class.getName());
            Class.forName(DpoTest.class.getName());
            Class.forName(GrpoTest.class.getName());
            Class.forName(OpdTest.class.getName());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** A one-layer model whose embedding (264 x 160) is above PyTorch's 32,768-element grain for reductions. */
    static final ModelConfig WIDE = new ModelConfig("llama", 160, 1, 4, 2, 40, 64, 10000.0, 1e-5,
            org.charlab.model.ByteTokenizer.VOCAB_SIZE, 512, true, false, false);

    private int threadsBefore;

    @BeforeEach
    void twoIntraOpThreads() {
        TestModels.oneThread();
        threadsBefore = JniUtils.getNumThreads();
        JniUtils.setNumThreads(2); // lanes = intra-op threads
    }

    @AfterEach
    void restore() {
        JniUtils.setNumThreads(threadsBefore);
    }

    /** Every trainable weight's gradient (copied), then zeroed. */
    static Map<String, float[]> takeGradients(Decoder d) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
            NDArray g = JniUtils.getGradient((PtNDArray) e.getValue());
            assertNotNull(g, e.getKey() + " has no gradient");
            out.put(e.getKey(), g.toFloatArray());
            g.close();
            JniUtils.zeroGrad((PtNDArray) e.getValue());
        }
        return out;
    }

    /** max |a - b| over all weights, relative to max |a|. */
    static double relativeDifference(Map<String, float[]> a, Map<String, float[]> b) {
        double diff = 0;
        double scale = 0;
        for (String k : a.keySet()) {
            float[] x = a.get(k);
            float[] y = b.get(k);
            for (int i = 0; i < x.length; i++) {
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
                scale = Math.max(scale, Math.abs(x[i]));
            }
        }
        return diff / scale;
    }

    /**
     * The whole micro-batch in one pass, then in slices on lanes: same gradient, loss and parts (parts
     * in the same order: metrics.jsonl's keys do not follow the lanes).
     */
    static <E> void slicesMatchOnePass(Decoder d, Objective<E> objective, List<E> batch, int divisor) {
        d.setTrainable(true);
        objective.startAt(0); // an on-policy objective samples the same completions both times
        TrainLanes.Step one = TrainLanes.backward(null, d, objective, batch, divisor);
        Map<String, float[]> expected = takeGradients(d);
        try (TrainLanes lanes = TrainLanes.open(d, objective, 2)) {
            assertNotNull(lanes);
            assertEquals(2, lanes.lanes());
            objective.startAt(0);
            TrainLanes.Step sliced = TrainLanes.backward(lanes, d, objective, batch, divisor);
            lanes.gatherGradients();
            Map<String, float[]> got = takeGradients(d);
            double rel = relativeDifference(expected, got);
            assertTrue(rel < 1e-5, "gradients differ by " + rel + " (relative)");
            // on-policy losses cancel to near zero (advantages centred per group, the sampled-token advantage
            // vanishing as student meets teacher): an absolute floor of 1e-7 on the tolerance
            assertEquals(one.loss(), sliced.loss(), 1e-6 * Math.max(0.1, Math.abs(one.loss())));
            assertEquals(List.copyOf(one.parts().keySet()), List.copyOf(sliced.parts().keySet()));
            one.parts().forEach((name, v) -> {
                double s = sliced.parts().get(name);
                assertTrue(Double.isNaN(v) ? Double.isNaN(s) : Math.abs(v - s) <= 1e-5 * Math.max(1, Math.abs(v)),
                        name + ": " + v + " in one pass, " + s + " in slices");
            });
        } finally {
            d.setTrainable(false);
        }
    }

    @Test
    void sftSlicesGiveTheWholeBatchGradientLossAndParts() {
        // 7 rows of different lengths, so the slices (3 and 4 rows) pad differently; CoT and output parts
        List<TokenRow> batch = TrainerTest.rows(LossOn.ASSISTANT).subList(0, 7);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5)) {
            slicesMatchOnePass(d, new SftObjective(), batch, 1);
            slicesMatchOnePass(d, new SftObjective(), batch, 3); // accumulation divides each slice's loss
        }
    }

    @Test
    void packedSftSlicesGiveTheWholeBatchGradient() {
        List<TokenRow> rows = TrainerTest.rows(LossOn.OUTPUT);
        List<TokenRow> packed = Packing.pack(rows, 256);
        assertTrue(packed.size() >= 3 && packed.get(0).documents() > 1, "rows packed several to a row");
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 6)) {
            slicesMatchOnePass(d, new SftObjective(), packed.subList(0, 3), 1);
        }
    }

    @Test
    void dpoSlicesGiveTheWholeBatchGradientLossAndParts() {
        List<DpoObjective.PairRow> batch = DpoTest.rows(5, LossOn.ASSISTANT);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 7)) {
            TestModels.sharpened(d); // rewards away from zero, so the reward parts are compared for real
            try (Decoder reference = Decoder.init(TrainerTest.model(), m, 8)) {
                slicesMatchOnePass(d, new DpoObjective(reference, DpoLossType.SIGMOID, 0.1, 0.0, 0.1), batch, 2);
            }
        }
    }

    @Test
    void opdSlicesGiveTheWholeBatchGradientLossAndParts() {
        // 5 prompts of different lengths, completions sampled by the student (lmbda 1) and its privileged
        // teacher: slices of 2 and 3 rows, left-padded and aligned on their own longest completion
        List<OpdObjective.Prompt> batch = OpdTest.prompts(5, true);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 7);
                Decoder teacher = Decoder.init(TrainerTest.model(), m, 8)) {
            for (double lmbda : new double[] {1.0, 0.0}) {
                for (OpdLossType type : OpdLossType.values()) {
                    slicesMatchOnePass(d, new OpdObjective(teacher, TrainerTest.CHAT,
                            OpdTest.settings(type, 0.5, lmbda)), batch, 2);
                }
            }
            // the self-teacher: each slice's teacher is the slice's own weights, read without a graph
            slicesMatchOnePass(d, new OpdObjective(null, TrainerTest.CHAT,
                    OpdTest.settings(OpdLossType.FULL_VOCAB, 1.0, 1.0)), batch, 1);
        }
    }

    @Test
    void grpoSlicesGiveTheWholeBatchGradientLossAndPartsForEveryNormalisation() {
        // 2 prompts x 8 completions = 16 rows in slices of 8: every loss type's normaliser is the batch's
        List<GrpoObjective.Prompt> batch = GrpoTest.prompts(2);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 7);
                Decoder reference = Decoder.init(TrainerTest.model(), m, 8)) {
            for (GrpoLossType type : GrpoLossType.values()) {
                slicesMatchOnePass(d, new GrpoObjective(reference, TrainerTest.CHAT, new GrpoTest.DigitShare(),
                        GrpoTest.settings(type, 0.04, 1, 1)), batch, 1);
            }
        }
    }

    /**
     * num_iterations 2: the second step reuses the rollout with pi_old and the reference kept by the
     * first step's slices, and gives what one pass over the whole batch gives with them.
     */
    @Test
    void grpoRepeatsReuseWhatTheFirstStepsSlicesKept() {
        List<GrpoObjective.Prompt> batch = GrpoTest.prompts(2);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 7);
                Decoder reference = Decoder.init(TrainerTest.model(), m, 8)) {
            TestModels.sharpened(reference); // the KL term away from zero
            GrpoObjective.Settings settings = GrpoTest.settings(GrpoLossType.BNPO, 0.5, 2, 1);
            GrpoObjective whole = new GrpoObjective(reference, TrainerTest.CHAT, new GrpoTest.DigitShare(), settings);
            GrpoObjective sliced = new GrpoObjective(reference, TrainerTest.CHAT, new GrpoTest.DigitShare(), settings);
            d.setTrainable(true);
            try (TrainLanes lanes = TrainLanes.open(d, sliced, 2)) {
                for (int step = 0; step < 2; step++) {
                    TrainLanes.Step one = TrainLanes.backward(null, d, whole, batch, 1);
                    Map<String, float[]> expected = takeGradients(d);
                    TrainLanes.Step two = TrainLanes.backward(lanes, d, sliced, batch, 1);
                    lanes.gatherGradients();
                    assertTrue(relativeDifference(expected, takeGradients(d)) < 1e-5, "step " + step);
                    assertEquals(one.loss(), two.loss(), 1e-6 * Math.abs(one.loss()));
                    assertEquals(one.parts().get("kl"), two.parts().get("kl"), 1e-6);
                    assertTrue(one.parts().get("kl") > 1e-3, "the KL term is seen: " + one.parts());
                }
                assertEquals(1, whole.generations());
                assertEquals(1, sliced.generations(), "the second step sampled nothing");
            } finally {
                d.setTrainable(false);
            }
        }
    }

    @Test
    void viewsShareTheWeightsAndGatheringLeavesThemNoGradient() {
        List<TokenRow> batch = TrainerTest.rows(LossOn.ASSISTANT).subList(0, 4);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5);
                AdamW opt = new AdamW(d, AdamW.Options.defaults(1e-2))) {
            d.setTrainable(true);
            try (Decoder view = d.laneView(m)) {
                view.setTrainable(true);
                TrainLanes.Step s = TrainLanes.backward(null, view, new SftObjective(), batch, 1);
                assertTrue(Double.isFinite(s.loss()));
                d.parameters().forEach((k, p) -> assertNull(JniUtils.getGradient((PtNDArray) p),
                        k + ": a view's backward reached the model's own gradient"));
            }
            try (TrainLanes lanes = TrainLanes.open(d, new SftObjective(), 2)) {
                TrainLanes.backward(lanes, d, new SftObjective(), batch, 1);
                lanes.gatherGradients();
                opt.step(1e-2);
                opt.zeroGrad();
                // the next slices read the stepped weights: the same loss as one pass over them
                TrainLanes.Step sliced = TrainLanes.backward(lanes, d, new SftObjective(), batch, 1);
                lanes.gatherGradients();
                Map<String, float[]> g = takeGradients(d);
                TrainLanes.Step one = TrainLanes.backward(null, d, new SftObjective(), batch, 1);
                assertEquals(one.loss(), sliced.loss(), 1e-6 * one.loss());
                assertTrue(relativeDifference(takeGradients(d), g) < 1e-5);
                // gathering moved the views' gradients into the model's and zeroed them: gathering again adds nothing
                TrainLanes.backward(null, d, new SftObjective(), batch, 1);
                lanes.gatherGradients();
                assertTrue(relativeDifference(g, takeGradients(d)) < 1e-5, "a gradient was added twice");
            } finally {
                d.setTrainable(false);
            }
        }
    }

    @Test
    void lanesOpenOnlyWhereTheyApply() {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5)) {
            d.setTrainable(true);
            try (TrainLanes l = TrainLanes.open(d, new SftObjective(), 2)) {
                assertNotNull(l, "a small model on a two-core machine trains in lanes");
            }
            Objective<TokenRow> sampling = new Objective<>() { // an objective that neither slices nor samples
                @Override
                public Loss loss(Decoder model, List<TokenRow> batch, NDManager step) {
                    throw new AssertionError();
                }

                @Override
                public int tokens(TokenRow example) {
                    return example.length();
                }
            };
            assertNull(TrainLanes.open(d, sampling, 2));
            try (TrainLanes l = TrainLanes.open(d, new GrpoObjective(null, TrainerTest.CHAT, new GrpoTest.DigitShare(),
                    GrpoTest.settings(GrpoLossType.GRPO, 0, 1, 1)), 2)) {
                assertNotNull(l, "an on-policy objective trains its sampled rows in lanes");
            }
            assertNull(TrainLanes.open(d, new SftObjective(), 1), "a one-core machine: on the caller");
            JniUtils.setNumThreads(1);
            try (TrainLanes l = TrainLanes.open(d, new SftObjective(), 2)) {
                assertNotNull(l, "one thread runs the same two slices, one after the other");
                assertEquals(1, l.lanes());
                assertEquals(2, l.parts());
            }
            JniUtils.setNumThreads(2);
            LoraAdapters.attach(d, 4, 8, 0, LoraTargets.PEFT_DEFAULT, 3);
            assertNull(TrainLanes.open(d, new SftObjective(), 2), "adapters train on the caller");
            d.setTrainable(false);
        }
        assertTrue(TrainLanes.laneSized(ModelConfig.tiny()));
        assertTrue(TrainLanes.laneSized(ModelConfig.small25m()), "the 25m bench model trains in lanes");
        ModelConfig half = new ModelConfig("qwen2", 896, 24, 14, 2, 64, 4864, 1e6, 1e-6, 151936, 32768, true,
                true, false);
        assertTrue(!TrainLanes.laneSized(half), "a real checkpoint trains on the caller");
    }

    /**
     * The slices fix the rounding, not the lane threads that run them: three slices on one lane thread
     * (one after another) and on two give the same gradient and loss bit for bit.
     */
    @Test
    void theSameSlicesOnOneOrTwoLaneThreadsGiveTheSameBits() {
        List<TokenRow> batch = TrainerTest.rows(LossOn.ASSISTANT).subList(0, 7);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5)) {
            d.setTrainable(true);
            try (TrainLanes lanes = TrainLanes.open(d, new SftObjective(), 3)) {
                assertEquals(2, lanes.lanes());
                TrainLanes.Step two = TrainLanes.backward(lanes, d, new SftObjective(), batch, 1);
                lanes.gatherGradients();
                Map<String, float[]> onTwo = takeGradients(d);
                JniUtils.setNumThreads(1);
                assertEquals(1, lanes.lanes());
                TrainLanes.Step one = TrainLanes.backward(lanes, d, new SftObjective(), batch, 1);
                lanes.gatherGradients();
                Map<String, float[]> onOne = takeGradients(d);
                assertEquals(two.loss(), one.loss());
                onTwo.forEach((k, g) -> assertArrayEquals(g, onOne.get(k), k));
                // and the slices are not the one pass (else this test would not see the slicing at all)
                TrainLanes.backward(null, d, new SftObjective(), batch, 1);
                assertTrue(relativeDifference(onOne, takeGradients(d)) > 0, "three slices round like one pass");
            } finally {
                d.setTrainable(false);
            }
        }
    }

    /**
     * A whole training run on one thread (a stage under {@code --jobs 2} on 2 cores) writes the same
     * weights and metrics as on two (under {@code --jobs 1}) and as itself again: the machine's cores cut
     * the slices, and the optimizer step's reductions run on one intra-op thread as well. The embedding
     * (264 x 160 = 42,240 weights) is above PyTorch's 32,768-element grain, so on the caller its gradient
     * norm would be summed in one part per intra-op thread and round with the thread count.
     */
    @Test
    void aRunTrainsTheSameWeightsOnOneThreadAsOnTwo(@TempDir Path tmp) throws Exception {
        assumeTrue(Lanes.parts() >= 2, "a one-core machine trains on the caller");
        ModelConfig wide = WIDE;
        assertTrue((long) wide.vocabSize() * wide.hiddenSize() > 32768);
        TrainConfig cfg = TrainerTest.cfg(6).withAccumulation(2, 0);
        List<TokenRow> data = TrainerTest.rows(LossOn.ASSISTANT);
        byte[] a = TrainerTest.run(tmp.resolve("a"), cfg, data, 0, wide);
        byte[] b = TrainerTest.run(tmp.resolve("b"), cfg, data, 0, wide);
        assertArrayEquals(a, b, "lanes: same seed, same weights");
        JniUtils.setNumThreads(1);
        byte[] one = TrainerTest.run(tmp.resolve("one"), cfg, data, 0, wide);
        assertArrayEquals(a, one, "one thread: the same weights as two");
        assertEquals(TrainerTest.losses(tmp.resolve("a")), TrainerTest.losses(tmp.resolve("one")));
    }

    /** GRPO (num_iterations 2, a KL term) on the wide model for 4 steps; the weights' bytes. */
    static byte[] grpoRun(Path dir, ModelConfig config) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(config, m, 11);
                Decoder reference = Decoder.init(config, m, 12)) {
            TrainConfig cfg = TrainConfig.defaults().withSteps(4, 2).withLearningRate(1e-2).withCheckpointEvery(0);
            new Trainer<>(cfg, 1e-2, new GrpoObjective(reference, TrainerTest.CHAT, new GrpoTest.DigitShare(),
                    GrpoTest.settings(GrpoLossType.GRPO, 0.04, 2, 1)), d, TrainerTest.TOK, dir, 42, Progress.SILENT)
                    .train(GrpoTest.prompts(4));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            d.parameters().forEach((k, p) -> bytes.writeBytes(p.toByteArray()));
            return bytes.toByteArray();
        }
    }

    /** OPD (the student samples, a frozen teacher) on the wide model for 4 steps; the weights' bytes. */
    static byte[] opdRun(Path dir, ModelConfig config) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(config, m, 11);
                Decoder teacher = Decoder.init(config, m, 12)) {
            TrainConfig cfg = TrainConfig.defaults().withSteps(4, 2).withLearningRate(1e-2).withCheckpointEvery(0);
            new Trainer<>(cfg, 1e-2, new OpdObjective(teacher, TrainerTest.CHAT,
                    OpdTest.settings(OpdLossType.SAMPLED_TOKEN, 1.0, 1.0)), d, TrainerTest.TOK, dir, 42,
                    Progress.SILENT).train(OpdTest.prompts(4, true));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            d.parameters().forEach((k, p) -> bytes.writeBytes(p.toByteArray()));
            return bytes.toByteArray();
        }
    }

    /**
     * The on-policy methods too: a GRPO run and an OPD run sample and train the same weights on one
     * engine thread as on two (the sampling is cut by the machine's cores, the sampled rows train in
     * slices, the optimizer step runs on one thread), so --jobs does not change an RL stage's numbers.
     */
    @Test
    void onPolicyRunsTrainTheSameWeightsOnOneThreadAsOnTwo(@TempDir Path tmp) throws Exception {
        assumeTrue(Lanes.parts() >= 2, "a one-core machine trains on the caller");
        byte[] grpo = grpoRun(tmp.resolve("grpo2"), WIDE);
        byte[] opd = opdRun(tmp.resolve("opd2"), WIDE);
        JniUtils.setNumThreads(1);
        assertArrayEquals(grpo, grpoRun(tmp.resolve("grpo1"), WIDE), "GRPO: one thread, the weights of two");
        assertArrayEquals(opd, opdRun(tmp.resolve("opd1"), WIDE), "OPD: one thread, the weights of two");
        assertEquals(TrainerTest.losses(tmp.resolve("grpo2")), TrainerTest.losses(tmp.resolve("grpo1")));
    }
}
