package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.stage.Progress;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.FormattedChat;
import org.charlab.model.Segment;
import org.charlab.model.TestModels;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On-policy distillation: zero at teacher = student, brute-force divergences and alignment, lmbda, learning. */
class OpdTest {

    static {
        TestModels.oneThread();
    }

    static final String PRIVILEGED = "You always speak in Spanish.";

    /** n charworld prompts; the teacher's context adds a system prompt when {@code privileged}. */
    static List<OpdObjective.Prompt> prompts(int n, boolean privileged) {
        List<OpdObjective.Prompt> out = new ArrayList<>();
        for (WorldExample e : CharacterData.sft(new Charworld(WorldConfig.defaults()), TraitSet.parse("spanish"),
                CharacterData.Cot.NEUTRAL, n, 3)) {
            Conversation p = e.conversation().prompt();
            out.add(new OpdObjective.Prompt(p, privileged ? p.withSystem(PRIVILEGED) : p, 40));
        }
        return out;
    }

    static List<Message> completions(int n) {
        List<Message> out = new ArrayList<>();
        for (WorldExample e : CharacterData.sft(new Charworld(WorldConfig.defaults()), TraitSet.parse("spanish"),
                CharacterData.Cot.NEUTRAL, n, 3)) {
            out.add(e.conversation().completion().orElseThrow());
        }
        return out;
    }

    static OpdObjective.Settings settings(OpdLossType loss, double beta, double lmbda) {
        return new OpdObjective.Settings(loss, beta, lmbda, 0.9, 12, LossOn.COT_OUTPUT, 7);
    }

    @Test
    void teacherEqualToStudentGivesZeroLossAndGradient() {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5)) {
            Decoder teacher = d.copy(m);
            d.setTrainable(true);
            for (OpdLossType type : OpdLossType.values()) {
                for (double beta : new double[] {0, 0.5, 1}) {
                    OpdObjective o = new OpdObjective(teacher, TrainerTest.CHAT, settings(type, beta, 1));
                    try (NDManager step = d.manager().newSubManager();
                            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        Objective.Loss l = o.lossOn(d, prompts(3, false), completions(3), step, true);
                        assertEquals(0, l.value().getFloat(), 1e-6, type + " " + beta);
                        assertEquals(0, l.parts().get("reverse_kl"), 1e-6);
                        assertTrue(l.parts().get("distill_tokens") > 20);
                        gc.backward(l.value());
                    }
                    for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
                        float[] g = e.getValue().getGradient().toFloatArray();
                        for (float x : g) {
                            assertEquals(0, x, 1e-6, e.getKey());
                        }
                        e.getValue().getGradient().set(new float[g.length]);
                    }
                    if (type == OpdLossType.SAMPLED_TOKEN) {
                        break; // beta does not apply
                    }
                }
            }
        }
    }

    static double[] logSoftmax(float[] z, int off, int v, double temp) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
            max = Math.max(max, z[off + k] / temp);
        }
        double sum = 0;
        for (int k = 0; k < v; k++) {
            sum += Math.exp(z[off + k] / temp - max);
        }
        double[] out = new double[v];
        for (int k = 0; k < v; k++) {
            out[k] = z[off + k] / temp - max - Math.log(sum);
        }
        return out;
    }

    /** Generalized JSD of one position in plain Java (definitions, not the code's formulas). */
    static double jsd(double[] s, double[] t, double beta) {
        double ks = 0;
        double kt = 0;
        for (int k = 0; k < s.length; k++) {
            double ps = Math.exp(s[k]);
            double pt = Math.exp(t[k]);
            double pm = (1 - beta) * ps + beta * pt;
            if (beta == 1) {
                ks += ps * (s[k] - t[k]);
            } else if (beta == 0) {
                kt += pt * (t[k] - s[k]);
            } else {
                ks += ps * Math.log(ps / pm);
                kt += pt * Math.log(pt / pm);
            }
        }
        return beta == 1 ? ks : beta == 0 ? kt : beta * kt + (1 - beta) * ks;
    }

    @Test
    void divergencesMatchBruteForceOnASmallVocabulary() {
        int b = 2;
        int l = 3;
        int v = 7;
        SplittableRandom r = new SplittableRandom(4);
        float[] zs = new float[b * l * v];
        float[] zt = new float[b * l * v];
        for (int i = 0; i < zs.length; i++) {
            zs[i] = (float) (3 * r.nextGaussian());
            zt[i] = (float) (3 * r.nextGaussian());
        }
        float[] mask = {1, 1, 0, 0, 1, 1};
        long[] y = {1, 4, 6, 0, 2, 3};
        try (NDManager m = NDManager.newBaseManager()) {
            for (double beta : new double[] {0, 0.3, 0.5, 1}) {
                NDArray s = DistillLoss.logProbs(m.create(zs, new Shape(b, l, v)), 0.9, m);
                NDArray t = DistillLoss.logProbs(m.create(zt, new Shape(b, l, v)), 0.9, m);
                double got = DistillLoss.jsd(s, t, m.create(mask, new Shape(b, l)), beta, m).getFloat();
                double want = 0;
                double adv = 0;
                for (int p = 0; p < b * l; p++) {
                    if (mask[p] == 1) {
                        double[] ls = logSoftmax(zs, p * v, v, 0.9);
                        double[] lt = logSoftmax(zt, p * v, v, 0.9);
                        want += jsd(ls, lt, beta) / 4;
                        adv += (lt[(int) y[p]] - ls[(int) y[p]]) * ls[(int) y[p]] / 4;
                    }
                }
                assertEquals(want, got, 1e-5 * Math.max(1, want), "beta " + beta);
                double sampled = DistillLoss.sampledToken(s, t, m.create(y, new Shape(b, l)),
                        m.create(mask, new Shape(b, l)), m).getFloat();
                assertEquals(-adv, sampled, 1e-4 * Math.max(1, Math.abs(adv)));
            }
        }
    }

    @Test
    void objectiveAlignsCompletionsAcrossDifferentContextsLikeABruteForceLoop() {
        List<OpdObjective.Prompt> prompts = prompts(3, true);
        List<Message> comps = completions(3);
        try (NDManager m = NDManager.newBaseManager(); Decoder student = Decoder.init(TrainerTest.model(), m, 5);
                Decoder teacher = Decoder.init(TrainerTest.model(), m, 9)) {
            double want = 0;
            int counted = 0;
            int v = student.config().vocabSize();
            for (int i = 0; i < 3; i++) {
                FormattedChat fs = TrainerTest.CHAT.format(withReply(prompts.get(i).student(), comps.get(i)));
                FormattedChat ft = TrainerTest.CHAT.format(withReply(prompts.get(i).teacher(), comps.get(i)));
                float[] zs = rowLogits(student, fs.ids());
                float[] zt = rowLogits(teacher, ft.ids());
                int offset = ft.length() - fs.length(); // the teacher's extra system prompt
                for (int j = 1; j < fs.length(); j++) {
                    Segment g = fs.segments()[j];
                    if (fs.assistant()[j] && fs.produced()[j] && (g == Segment.COT || g == Segment.OUTPUT)) {
                        assertEquals(fs.ids()[j], ft.ids()[j + offset]);
                        want += jsd(logSoftmax(zs, (j - 1) * v, v, 0.9), logSoftmax(zt, (j - 1 + offset) * v, v, 0.9), 1);
                        counted++;
                    }
                }
            }
            want /= counted;
            OpdObjective o = new OpdObjective(teacher, TrainerTest.CHAT, settings(OpdLossType.FULL_VOCAB, 1, 1));
            try (NDManager step = student.manager().newSubManager()) {
                Objective.Loss l = o.lossOn(student, prompts, comps, step, true);
                assertEquals(counted, l.parts().get("distill_tokens"));
                assertEquals(want, l.value().getFloat(), 1e-4 * want);
                assertTrue(want > 0.01);
            }
        }
    }

    static Conversation withReply(Conversation p, Message reply) {
        List<Message> ms = new ArrayList<>(p.messages());
        ms.add(reply);
        return new Conversation(ms);
    }

    static float[] rowLogits(Decoder d, int[] ids) {
        try (NDManager m = d.manager().newSubManager()) {
            long[] in = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                in[i] = ids[i];
            }
            return d.logits(m.create(in, new Shape(1, ids.length))).toFloatArray();
        }
    }

    @Test
    void lmbdaChoosesWhoSamples() {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5)) {
            Decoder teacher = d.copy(m);
            for (double lmbda : new double[] {0, 0.5, 1}) {
                OpdObjective o = new OpdObjective(teacher, TrainerTest.CHAT, settings(OpdLossType.FULL_VOCAB, 1, lmbda));
                for (int k = 0; k < 8; k++) {
                    try (NDManager step = d.manager().newSubManager()) {
                        o.loss(d, prompts(2, true), step);
                    }
                }
                if (lmbda == 0) {
                    assertEquals(0, o.studentGenerations(), "lmbda 0 never samples from the student");
                    assertEquals(8, o.teacherGenerations());
                } else if (lmbda == 1) {
                    assertEquals(8, o.studentGenerations());
                    assertEquals(0, o.teacherGenerations());
                } else {
                    assertTrue(o.studentGenerations() > 0 && o.teacherGenerations() > 0);
                }
            }
        }
    }

    static byte[] train(Path dir, Map<String, float[]> before, Map<String, float[]> after) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 11)) {
            Decoder teacher = Decoder.init(TrainerTest.model(), m, 12);
            d.parameters().forEach((k, p) -> before.put(k, p.toFloatArray()));
            TrainConfig cfg = TrainConfig.defaults().withSteps(4, 4).withLearningRate(3e-3).withCheckpointEvery(0);
            new Trainer<>(cfg, 3e-3, new OpdObjective(teacher, TrainerTest.CHAT,
                    settings(OpdLossType.FULL_VOCAB, 0.5, 0.5)), d, TrainerTest.TOK, dir, 42, Progress.SILENT)
                    .train(prompts(8, true));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            d.parameters().forEach((k, p) -> {
                after.put(k, p.toFloatArray());
                bytes.writeBytes(p.toByteArray());
            });
            teacher.close();
            return bytes.toByteArray();
        }
    }

    @Test
    void everyParameterMovesAndSeededRunsRepeat(@TempDir Path tmp) throws Exception {
        Map<String, float[]> before = new LinkedHashMap<>();
        Map<String, float[]> after = new LinkedHashMap<>();
        byte[] a = train(tmp.resolve("a"), before, after);
        for (String k : before.keySet()) {
            assertFalse(java.util.Arrays.equals(before.get(k), after.get(k)), k + " did not change");
        }
        byte[] b = train(tmp.resolve("b"), new LinkedHashMap<>(), new LinkedHashMap<>());
        assertArrayEquals(a, b, "same seed, same weights");
    }

    /**
     * Trains the student saved in {@code init} for 6 steps in {@code dir} (checkpoints every 2), as a
     * stage does: weights from {@link Trainer#startingWeights}; returns the final weights' bytes.
     */
    static byte[] trainResumable(Path dir, Path init, int stopAfter) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Decoder d = Checkpoint.load(Trainer.startingWeights(dir, init), m).model();
            Decoder teacher = Decoder.init(TrainerTest.model(), m, 12);
            TrainConfig cfg = TrainConfig.defaults().withSteps(6, 2).withLearningRate(3e-3).withCheckpointEvery(2);
            Trainer<OpdObjective.Prompt> t = new Trainer<>(cfg, 3e-3, new OpdObjective(teacher, TrainerTest.CHAT,
                    settings(OpdLossType.FULL_VOCAB, 0.5, 0.5)), d, TrainerTest.TOK, dir, 42, Progress.SILENT);
            if (stopAfter > 0) {
                t.stopAfter(stopAfter);
            }
            t.train(prompts(8, true));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            d.parameters().forEach((k, p) -> bytes.writeBytes(p.toByteArray()));
            d.close();
            teacher.close();
            return bytes.toByteArray();
        }
    }

    @Test
    void resumedRunSamplesAndEndsLikeTheUninterruptedOne(@TempDir Path tmp) throws Exception {
        Path init = tmp.resolve("init");
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 11)) {
            Checkpoint.save(init, d, TrainerTest.TOK, Map.of());
        }
        byte[] whole = trainResumable(tmp.resolve("whole"), init, 0);
        Path cut = tmp.resolve("cut");
        trainResumable(cut, init, 4); // "interrupted" right after the step-4 checkpoint
        assertTrue(Files.isDirectory(cut.resolve(Trainer.CHECKPOINT)));
        // the resume must start from the checkpoint's weights and continue the sampling seeds at
        // micro-batch 4, not restart them: either mistake changes the last two steps
        assertArrayEquals(whole, trainResumable(cut, init, 0), "resumed run ends with the uninterrupted run's weights");
        assertEquals(TrainerTest.losses(tmp.resolve("whole")), TrainerTest.losses(cut));
    }
}
