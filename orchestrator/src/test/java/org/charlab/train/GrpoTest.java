package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.TestModels;
import org.charlab.stage.Progress;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRPO's mechanisms on fixed numbers and a micro model: advantages, zero gradient for a group without
 * reward variance, zero KL at the reference, the clipped objective by hand, num_iterations, learning a
 * toy reward, resume.
 */
class GrpoTest {

    static {
        TestModels.oneThread();
    }

    /** A toy reward: the share of a completion's sampled tokens that are ASCII digits (byte tokenizer ids). */
    static class DigitShare implements GrpoObjective.Rewards {

        @Override
        public List<String> names() {
            return List.of("digits");
        }

        @Override
        public double[] weights() {
            return new double[] {1};
        }

        @Override
        public double[][] score(List<GrpoObjective.Completion> completions) {
            double[] r = new double[completions.size()];
            for (int i = 0; i < r.length; i++) {
                int[] t = completions.get(i).sample().tokens();
                for (int id : t) {
                    r[i] += id >= '0' && id <= '9' ? 1.0 / t.length : 0;
                }
            }
            return new double[][] {r};
        }
    }

    /** The same reward for every completion. */
    static GrpoObjective.Rewards constant() {
        return new DigitShare() {
            @Override
            public double[][] score(List<GrpoObjective.Completion> completions) {
                double[] r = new double[completions.size()];
                java.util.Arrays.fill(r, 0.7);
                return new double[][] {r};
            }
        };
    }

    /** n charworld prompts with their answers. */
    static List<GrpoObjective.Prompt> prompts(int n) {
        List<GrpoObjective.Prompt> out = new ArrayList<>();
        for (WorldExample e : CharacterData.sft(new Charworld(WorldConfig.defaults()), TraitSet.NEUTRAL,
                CharacterData.Cot.NEUTRAL, n, 3)) {
            Conversation p = e.conversation().prompt();
            out.add(new GrpoObjective.Prompt(p, e.task().answer(), TrainerTest.CHAT.prompt(p,
                    org.charlab.model.ChatFormat.Prefill.none()).length()));
        }
        return out;
    }

    static GrpoObjective.Settings settings(GrpoLossType type, double beta, int numIterations, int accumulation) {
        return new GrpoObjective.Settings(8, 1.0, 8, new GrpoLoss.Settings(type, 0.2, 0.2, beta, 8), ScaleRewards.GROUP,
                numIterations, accumulation, 7);
    }

    // ---- advantages

    @Test
    void advantagesSumToZeroWithinEachGroupAndMatchTheDefinition() {
        SplittableRandom rng = new SplittableRandom(1);
        double[] r = new double[24];
        for (int i = 0; i < r.length; i++) {
            r[i] = rng.nextInt(3) * 0.5;
        }
        for (ScaleRewards scale : ScaleRewards.values()) {
            double[] a = GrpoLoss.advantages(r, 6, scale).values();
            for (int g = 0; g < 24; g += 6) {
                double sum = 0;
                for (int i = g; i < g + 6; i++) {
                    sum += a[i];
                }
                assertEquals(0, sum, 1e-12, scale + " group " + g / 6);
            }
        }
        // by hand: group [1, 0, 0, 0]: mean 0.25, Bessel std sqrt((0.5625 + 3 * 0.0625) / 3) = 0.5
        double[] two = {1, 0, 0, 0, 2, 2, 2, 2};
        GrpoLoss.Advantages g = GrpoLoss.advantages(two, 4, ScaleRewards.GROUP);
        assertEquals(0.75 / (0.5 + GrpoLoss.STD_EPS), g.values()[0], 1e-12);
        assertEquals(-0.25 / (0.5 + GrpoLoss.STD_EPS), g.values()[1], 1e-12);
        assertEquals(0, g.values()[5]);
        assertEquals(0.5, g.zeroStdShare(), "one group of two has no reward variance");
        assertEquals(1.125, g.rewardMean(), 1e-12);
        assertEquals(0.75, GrpoLoss.advantages(two, 4, ScaleRewards.NONE).values()[0], 1e-12, "none: centred only");
        double batchStd = GrpoLoss.nanStd(two, 0, 8);
        assertEquals(0.75 / (batchStd + GrpoLoss.STD_EPS), GrpoLoss.advantages(two, 4, ScaleRewards.BATCH).values()[0],
                1e-12);
        // an unscorable completion (NaN) leaves its group's statistics and gets advantage 0
        double[] nan = {1, Double.NaN, 0, 0};
        double[] an = GrpoLoss.advantages(nan, 4, ScaleRewards.NONE).values();
        assertEquals(0, an[1]);
        assertEquals(1 - 1 / 3.0, an[0], 1e-12);
    }

    // ---- the clipped objective on fixed numbers

    /** The loss of fixed log-probs and its gradient with respect to them; grad filled in place. */
    static double lossAndGrad(float[] logp, float[] old, float[] ref, double[] adv, float[] mask, int n, int t,
            GrpoLoss.Settings s, float[] grad, double[] clip) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(logp, new Shape(n, t));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                GrpoLoss.Result r = GrpoLoss.loss(x, old == null ? null : m.create(old, new Shape(n, t)),
                        ref == null ? null : m.create(ref, new Shape(n, t)), adv, m.create(mask, new Shape(n, t)), s, m);
                System.gc(); // DJL field notes: a freed temporary would show as garbage gradients
                gc.backward(r.loss());
                System.arraycopy(x.getGradient().toFloatArray(), 0, grad, 0, grad.length);
                if (clip != null) {
                    clip[0] = r.clipLow();
                    clip[1] = r.clipHigh();
                    clip[2] = r.kl();
                }
                return r.loss().getFloat();
            }
        }
    }

    @Test
    void clippedObjectiveEqualsAHandComputationOnBothClipSides() {
        // 4 completions x 3 positions; ratios exp(logp - old) chosen inside and outside [0.8, 1.3]
        int n = 4;
        int t = 3;
        double[] ratio = {1.1, 1.5, 0.5, /* A > 0 */ 0.9, 1.6, 0.6, /* A < 0 */ 1.0, 1.2, 1.4, /* A > 0 */ 0.7, 2.0, 1.0};
        double[] adv = {0.8, -1.2, 1.5, 0.3};
        float[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0};
        float[] old = new float[n * t];
        float[] logp = new float[n * t];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < n * t; i++) {
            old[i] = (float) (-1 - 3 * rng.nextDouble());
            logp[i] = (float) (old[i] + Math.log(ratio[i]));
        }
        double lo = 0.8;
        double hi = 1.3;
        for (GrpoLossType type : GrpoLossType.values()) {
            GrpoLoss.Settings s = new GrpoLoss.Settings(type, 0.2, 0.3, 0, 5);
            // by hand: l = -min(r A, clip(r) A); its derivative in logp is -r A where the unclipped term is the min
            double[] l = new double[n * t];
            double[] dl = new double[n * t];
            int clippedLow = 0;
            int clippedHigh = 0;
            for (int i = 0; i < n * t; i++) {
                double r = Math.exp(logp[i] - old[i]);
                double a = adv[i / t];
                double c = Math.min(hi, Math.max(lo, r));
                boolean unclipped = r * a <= c * a;
                l[i] = -Math.min(r * a, c * a);
                dl[i] = unclipped ? -r * a : 0;
                if (mask[i] == 1) {
                    clippedLow += r < lo && a < 0 ? 1 : 0;
                    clippedHigh += r > hi && a > 0 ? 1 : 0;
                }
            }
            double[] weight = new double[n * t]; // d L / d l_i of the loss type
            double count = 0;
            for (float v : mask) {
                count += v;
            }
            for (int i = 0; i < n * t; i++) {
                double rowCount = mask[(i / t) * t] + mask[(i / t) * t + 1] + mask[(i / t) * t + 2];
                weight[i] = mask[i] * switch (type) {
                    case GRPO -> 1.0 / (n * rowCount);
                    case BNPO -> 1.0 / count;
                    case DR_GRPO -> 1.0 / (n * 5.0);
                };
            }
            double want = 0;
            for (int i = 0; i < n * t; i++) {
                want += weight[i] * l[i];
            }
            float[] grad = new float[n * t];
            double[] clip = new double[3];
            double got = lossAndGrad(logp, old, null, adv, mask, n, t, s, grad, clip);
            assertEquals(want, got, 1e-5, type.label());
            for (int i = 0; i < n * t; i++) {
                assertEquals(weight[i] * dl[i], grad[i], 1e-5, type.label() + " gradient at " + i);
            }
            assertEquals(2, clippedHigh, "the fixture clips above at 1.5 and 2.0 (1.4 is masked)");
            assertEquals(1, clippedLow, "and below at 0.6 (A < 0)");
            assertEquals(clippedLow / count, clip[0], 1e-9);
            assertEquals(clippedHigh / count, clip[1], 1e-9);
        }
    }

    // ---- zero gradient without reward variance; zero KL at the reference

    @Test
    void aGroupWithIdenticalRewardsContributesExactlyZeroGradient() {
        int n = 8;
        int t = 4;
        double[] rewards = {0.5, 0.5, 0.5, 0.5, /* identical */ 1, 0, 0, 1};
        double[] adv = GrpoLoss.advantages(rewards, 4, ScaleRewards.GROUP).values();
        float[] logp = new float[n * t];
        float[] mask = new float[n * t];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < n * t; i++) {
            logp[i] = (float) (-0.5 - 2 * rng.nextDouble());
            mask[i] = i % t == 0 ? 0 : 1;
        }
        for (GrpoLossType type : GrpoLossType.values()) {
            float[] grad = new float[n * t];
            lossAndGrad(logp, null, null, adv, mask, n, t, new GrpoLoss.Settings(type, 0.2, 0.2, 0, 4), grad, null);
            for (int i = 0; i < n * t; i++) {
                if (i < 4 * t) {
                    assertEquals(0, grad[i], 0.0, type.label() + ": the group without variance at " + i);
                } else if (mask[i] == 1) {
                    assertNotEquals(0f, grad[i], type.label() + ": the other group at " + i);
                }
            }
        }
        // the whole objective: every completion rewarded alike, beta 0 -> every parameter's gradient is exactly 0
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5)) {
            d.setTrainable(true);
            for (boolean same : new boolean[] {true, false}) {
                GrpoObjective o = new GrpoObjective(null, TrainerTest.CHAT, same ? constant() : new DigitShare(),
                        settings(GrpoLossType.BNPO, 0, 1, 1));
                try (NDManager step = d.manager().newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Objective.Loss l = o.loss(d, prompts(2), step);
                    gc.backward(l.value());
                    if (same) {
                        assertEquals(1.0, l.parts().get("frac_reward_zero_std"), 0.0);
                    }
                }
                double norm = 0;
                for (NDArray p : d.parameters().values()) {
                    for (float g : p.getGradient().toFloatArray()) {
                        norm += g * g;
                    }
                    p.getGradient().set(new float[(int) p.size()]);
                }
                if (same) {
                    assertEquals(0, norm, "identical rewards: no gradient at all");
                } else {
                    assertTrue(norm > 0, "digit rewards vary: a gradient");
                }
            }
        }
    }

    @Test
    void klTermAndItsGradientAreZeroAtPolicyEqualsReference() {
        int n = 2;
        int t = 3;
        float[] logp = {-1.2f, -0.3f, -2.5f, -0.9f, -1.7f, -0.4f};
        float[] mask = {1, 1, 1, 1, 1, 0};
        double[] zero = {0, 0};
        GrpoLoss.Settings s = new GrpoLoss.Settings(GrpoLossType.BNPO, 0.2, 0.2, 0.1, 3);
        float[] grad = new float[n * t];
        double[] stats = new double[3];
        assertEquals(0, lossAndGrad(logp, null, logp.clone(), zero, mask, n, t, s, grad, stats), 0.0);
        assertEquals(0, stats[2], 0.0, "k3 at pi = pi_ref");
        for (float g : grad) {
            assertEquals(0, g, 0.0, "k3's gradient at pi = pi_ref");
        }
        // off the reference: k3 = e^d - d - 1 > 0 with d = log pi_ref - log pi, gradient beta (1 - e^d) / count
        float[] ref = {-1.0f, -0.8f, -2.5f, -0.2f, -1.9f, -3.0f};
        double want = 0;
        for (int i = 0; i < n * t; i++) {
            double d = ref[i] - logp[i];
            want += mask[i] * (Math.exp(d) - d - 1);
        }
        double got = lossAndGrad(logp, null, ref, zero, mask, n, t, s, grad, stats);
        assertEquals(want / 5, stats[2], 1e-6);
        assertEquals(0.1 * want / 5, got, 1e-6);
        for (int i = 0; i < n * t; i++) {
            assertEquals(mask[i] * 0.1 * (1 - Math.exp(ref[i] - logp[i])) / 5, grad[i], 1e-6);
        }
        // the objective with a reference equal to the policy: KL 0, and with no reward variance no gradient
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5)) {
            Decoder reference = d.copy(m);
            d.setTrainable(true);
            GrpoObjective o = new GrpoObjective(reference, TrainerTest.CHAT, constant(),
                    settings(GrpoLossType.GRPO, 0.04, 1, 1));
            try (NDManager step = d.manager().newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Objective.Loss l = o.loss(d, prompts(2), step);
                // the policy's pass (autograd on) and the reference's (off) may differ in the last float bits
                assertEquals(0, l.parts().get("kl"), 1e-9);
                assertEquals(0, l.value().getFloat(), 1e-9);
                gc.backward(l.value());
            }
            for (NDArray p : d.parameters().values()) {
                for (float g : p.getGradient().toFloatArray()) {
                    assertEquals(0, g, 1e-7);
                }
            }
        }
    }

    // ---- training

    static List<JsonNode> metrics(Path dir) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(Trainer.METRICS))) {
            out.add(TrainerTest.JSON.readTree(line));
        }
        return out;
    }

    @Test
    void aShortRunRaisesAToyRewardWithAFiniteKl(@TempDir Path tmp) throws Exception {
        int steps = 16;
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 11)) {
            Decoder reference = d.copy(m);
            TrainConfig cfg = TrainConfig.defaults().withSteps(steps, 2).withLearningRate(1e-2).withCheckpointEvery(0);
            new Trainer<>(cfg, 1e-2, new GrpoObjective(reference, TrainerTest.CHAT, new DigitShare(),
                    settings(GrpoLossType.BNPO, 0.04, 1, 1)), d, TrainerTest.TOK, tmp, 42, Progress.SILENT)
                    .train(prompts(8));
            reference.close();
        }
        List<JsonNode> lines = metrics(tmp);
        assertEquals(steps, lines.size());
        double first = 0;
        double last = 0;
        for (int i = 0; i < 4; i++) {
            first += lines.get(i).get("reward").asDouble() / 4;
            last += lines.get(steps - 1 - i).get("reward").asDouble() / 4;
        }
        assertTrue(last > 2 * first && last > first + 0.05, "the digit share rises: " + first + " -> " + last);
        for (JsonNode l : lines) {
            double kl = l.get("kl").asDouble();
            assertTrue(Double.isFinite(kl) && kl >= 0, l.toString());
            assertTrue(l.has("rewards/digits/mean") && l.has("frac_reward_zero_std") && l.has("reward_std")
                    && l.has("clip_ratio/region_mean") && l.has("completions/mean_length"), l.toString());
        }
        assertTrue(lines.get(steps - 1).get("kl").asDouble() > 0, "the policy left the reference");
    }

    @Test
    void numIterationsReusesEachGenerationWithTheRatioOffOne(@TempDir Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 11)) {
            TrainConfig cfg = TrainConfig.defaults().withSteps(6, 2).withLearningRate(3e-2).withCheckpointEvery(0)
                    .withAccumulation(2, 0);
            GrpoObjective o = new GrpoObjective(null, TrainerTest.CHAT, new DigitShare(),
                    settings(GrpoLossType.GRPO, 0, 3, 2));
            new Trainer<>(cfg, 3e-2, o, d, TrainerTest.TOK, tmp, 42, Progress.SILENT).train(prompts(8));
            assertEquals(4, o.generations(), "2 cycles of 3 steps, 2 micro-batches each");
        }
        List<JsonNode> lines = metrics(tmp);
        // within a cycle the rewards are the cycle's; the first step's ratio is 1, later ones move and clip
        assertEquals(lines.get(0).get("reward").asDouble(), lines.get(2).get("reward").asDouble());
        assertNotEquals(lines.get(2).get("reward").asDouble(), lines.get(3).get("reward").asDouble());
        assertEquals(0, lines.get(0).get("clip_ratio/region_mean").asDouble());
        assertTrue(lines.get(2).get("clip_ratio/region_mean").asDouble() > 0, lines.get(2).toString());
    }

    /**
     * Trains the policy saved in {@code init} for 6 steps with num_iterations 2 in {@code dir}
     * (checkpoints every step, so at the end of each cycle: 2, 4), as a stage does; returns the weights.
     */
    static byte[] trainResumable(Path dir, Path init, int stopAfter) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Decoder d = Checkpoint.load(Trainer.startingWeights(dir, init), m).model();
            Decoder reference = Decoder.init(TrainerTest.model(), m, 12);
            TrainConfig cfg = TrainConfig.defaults().withSteps(6, 2).withLearningRate(1e-2).withCheckpointEvery(1);
            Trainer<GrpoObjective.Prompt> t = new Trainer<>(cfg, 1e-2, new GrpoObjective(reference, TrainerTest.CHAT,
                    new DigitShare(), settings(GrpoLossType.DR_GRPO, 0.04, 2, 1)), d, TrainerTest.TOK, dir, 42,
                    Progress.SILENT);
            if (stopAfter > 0) {
                t.stopAfter(stopAfter);
            }
            t.train(prompts(8));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            d.parameters().forEach((k, p) -> bytes.writeBytes(p.toByteArray()));
            d.close();
            reference.close();
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
        // step 3 ends no cycle: no checkpoint is written there, so "stop after step 3's checkpoint" never stops
        Path odd = tmp.resolve("odd");
        trainResumable(odd, init, 3);
        assertEquals(6, metrics(odd).size());
        Path cut = tmp.resolve("cut");
        trainResumable(cut, init, 4);
        assertEquals(4, TrainerTest.JSON.readTree(cut.resolve(Trainer.CHECKPOINT).resolve("trainer_state.json")
                .toFile()).get("step").asInt());
        // the resume starts from the checkpoint's weights and continues the sampling seeds at step 4
        assertArrayEquals(whole, trainResumable(cut, init, 0), "resumed run ends with the uninterrupted run's weights");
        assertEquals(TrainerTest.losses(tmp.resolve("whole")), TrainerTest.losses(cut));
    }
}
