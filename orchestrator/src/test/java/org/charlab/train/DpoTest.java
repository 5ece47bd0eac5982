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
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.data.PreferencePair;
import org.charlab.stage.Progress;
import org.charlab.model.Decoder;
import org.charlab.model.TestModels;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DPO: the loss equations against plain Java, ln 2 at policy = reference, learning, every parameter, determinism. */
class DpoTest {

    static {
        TestModels.oneThread();
    }

    static List<PreferencePair> pairs(int n) {
        return CharacterData.dpo(new Charworld(WorldConfig.defaults()), TraitSet.parse("spanish+caps"),
                CharacterData.Cot.NONE, n, 3);
    }

    static List<DpoObjective.PairRow> rows(int n, LossOn on) {
        return DpoObjective.rows(pairs(n), TrainerTest.CHAT, on, 512);
    }

    @Test
    void lossTypesMatchTheirEquationsAndGradientsSurviveGc() {
        SplittableRandom r = new SplittableRandom(1);
        float[][] v = new float[4][6];
        for (float[] a : v) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (-40 + 20 * r.nextDouble());
            }
        }
        for (DpoLossType type : DpoLossType.values()) {
            for (double eps : type == DpoLossType.SIGMOID ? new double[] {0, 0.2} : new double[] {0}) {
                for (double beta : new double[] {0.1, 0.5}) {
                    try (NDManager m = NDManager.newBaseManager()) {
                        NDArray pc = m.create(v[0]);
                        pc.setRequiresGradient(true);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            DpoLoss.Result res = DpoLoss.compute(pc, m.create(v[1]), m.create(v[2]), m.create(v[3]), type,
                                    beta, eps, m);
                            double expect = 0;
                            double margin = 0;
                            double acc = 0;
                            for (int i = 0; i < 6; i++) {
                                expect += DpoLoss.reference(v[0][i], v[1][i], v[2][i], v[3][i], type, beta, eps) / 6;
                                double d = beta * ((v[0][i] - v[2][i]) - (v[1][i] - v[3][i]));
                                margin += d / 6;
                                acc += d > 0 ? 1.0 / 6 : 0;
                            }
                            assertEquals(expect, res.loss().getFloat(), 1e-4 * Math.max(1, Math.abs(expect)),
                                    type + " beta " + beta + " eps " + eps);
                            assertEquals(margin, res.margin(), 1e-4);
                            assertEquals(acc, res.accuracy(), 1e-9);
                            System.gc();
                            gc.backward(res.loss());
                        }
                        // d loss / d pc by central differences of the plain-Java loss
                        float[] g = pc.getGradient().toFloatArray();
                        for (int i = 0; i < 6; i++) {
                            double h = 1e-3;
                            double num = (DpoLoss.reference(v[0][i] + h, v[1][i], v[2][i], v[3][i], type, beta, eps)
                                    - DpoLoss.reference(v[0][i] - h, v[1][i], v[2][i], v[3][i], type, beta, eps)) / (2 * h) / 6;
                            assertEquals(num, g[i], 2e-3 * Math.max(1, Math.abs(num)), type + " grad " + i);
                        }
                    }
                }
            }
        }
        // the two anchors: h = 0 gives ln 2 for sigmoid; ipo's target margin is 1/(2 beta)
        assertEquals(Math.log(2), DpoLoss.reference(-3, -5, -3, -5, DpoLossType.SIGMOID, 0.1, 0), 1e-12);
        assertEquals(0, DpoLoss.reference(5, 0, 0, 0, DpoLossType.IPO, 0.1, 0), 1e-12);
    }

    /** log p of the counted tokens of one row, from its own unbatched forward pass, in plain Java. */
    static double seqLogProb(Decoder d, TokenRow row) {
        try (NDManager m = d.manager().newSubManager()) {
            int n = row.length();
            long[] in = new long[n - 1];
            for (int i = 0; i < n - 1; i++) {
                in[i] = row.ids()[i];
            }
            float[] logits = d.logits(m.create(in, new Shape(1, n - 1))).toFloatArray();
            int v = d.config().vocabSize();
            double s = 0;
            for (int t = 0; t < n - 1; t++) {
                if (row.mask()[t + 1] == 0) {
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < v; k++) {
                    max = Math.max(max, logits[t * v + k]);
                }
                double z = 0;
                for (int k = 0; k < v; k++) {
                    z += Math.exp(logits[t * v + k] - max);
                }
                s += logits[t * v + row.ids()[t + 1]] - max - Math.log(z);
            }
            return s;
        }
    }

    @Test
    void objectiveMatchesAHandComputationFromSequenceLogProbs() {
        List<DpoObjective.PairRow> batch = rows(3, LossOn.OUTPUT);
        try (NDManager m = NDManager.newBaseManager(); Decoder policy = Decoder.init(TrainerTest.model(), m, 5);
                Decoder ref = Decoder.init(TrainerTest.model(), m, 6)) {
            for (DpoLossType type : DpoLossType.values()) {
                double eps = type == DpoLossType.SIGMOID ? 0.1 : 0;
                double expect = 0;
                double nllSum = 0;
                double nllTokens = 0;
                for (DpoObjective.PairRow p : batch) {
                    expect += DpoLoss.reference(seqLogProb(policy, p.chosen()), seqLogProb(policy, p.rejected()),
                            seqLogProb(ref, p.chosen()), seqLogProb(ref, p.rejected()), type, 0.1, eps) / batch.size();
                    nllSum -= seqLogProb(policy, p.chosen());
                    for (int i = 1; i < p.chosen().length(); i++) {
                        nllTokens += p.chosen().mask()[i];
                    }
                }
                double expectWithNll = expect + 0.1 * nllSum / nllTokens;
                try (NDManager step = policy.manager().newSubManager()) {
                    Objective.Loss l = new DpoObjective(ref, type, 0.1, eps, 0.1).loss(policy, batch, step);
                    assertEquals(expectWithNll, l.value().getFloat(), 2e-4 * Math.abs(expectWithNll), type.label());
                    assertEquals(expect, l.parts().get("dpo_loss"), 2e-4 * Math.abs(expect), type.label());
                }
            }
        }
    }

    static TrainConfig cfg(int steps) {
        return TrainConfig.defaults().withSteps(steps, 4).withLearningRate(3e-3).withCheckpointEvery(0);
    }

    static List<JsonNode> metrics(Path dir) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(Trainer.METRICS))) {
            out.add(TrainerTest.JSON.readTree(l));
        }
        return out;
    }

    /** Trains a fresh micro model with reference = its own copy; returns the final weights' bytes. */
    static byte[] train(Path dir, int steps, Map<String, float[]> before, Map<String, float[]> after) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 11)) {
            Decoder ref = d.copy(m); // before the trainer: it binds the live arrays
            d.parameters().forEach((k, p) -> before.put(k, p.toFloatArray()));
            new Trainer<>(cfg(steps), 3e-3, new DpoObjective(ref, DpoLossType.SIGMOID, 0.1, 0, 0), d, TrainerTest.TOK,
                    dir, 42, Progress.SILENT).train(rows(24, LossOn.OUTPUT));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            d.parameters().forEach((k, p) -> {
                after.put(k, p.toFloatArray());
                bytes.writeBytes(p.toByteArray());
            });
            ref.close();
            return bytes.toByteArray();
        }
    }

    @Test
    void startsAtLn2MarginsRiseEveryParameterMovesAndRunsRepeat(@TempDir Path tmp) throws Exception {
        Map<String, float[]> before = new LinkedHashMap<>();
        Map<String, float[]> after = new LinkedHashMap<>();
        byte[] a = train(tmp.resolve("a"), 25, before, after);
        List<JsonNode> ms = metrics(tmp.resolve("a"));
        JsonNode first = ms.get(0);
        assertEquals(Math.log(2), first.get("loss").asDouble(), 1e-6, "policy = reference: ln 2");
        assertEquals(0, first.get("rewards/margins").asDouble(), 1e-6);
        assertEquals(0, first.get("rewards/chosen").asDouble(), 1e-6);
        assertEquals(0, first.get("rewards/accuracies").asDouble(), 1e-9, "no pair strictly preferred yet");
        double early = 0;
        double late = 0;
        double lateAcc = 0;
        for (int i = 0; i < 5; i++) {
            early += ms.get(i + 1).get("rewards/margins").asDouble() / 5;
            late += ms.get(ms.size() - 1 - i).get("rewards/margins").asDouble() / 5;
            lateAcc += ms.get(ms.size() - 1 - i).get("rewards/accuracies").asDouble() / 5;
        }
        assertTrue(late > early + 0.5 && late > 1, "margins " + early + " -> " + late);
        assertTrue(lateAcc > 0.9, "accuracies " + lateAcc);
        assertTrue(ms.get(ms.size() - 1).get("loss").asDouble() < 0.4, "loss falls from ln 2");
        for (String k : before.keySet()) {
            assertFalse(java.util.Arrays.equals(before.get(k), after.get(k)), k + " did not change");
        }
        byte[] b = train(tmp.resolve("b"), 25, new LinkedHashMap<>(), new LinkedHashMap<>());
        assertArrayEquals(a, b, "same seed, same weights");
        assertEquals(Files.readAllLines(tmp.resolve("a").resolve(Trainer.METRICS)).stream()
                .map(l -> l.replaceAll(",\"tokens_per_s\".*", "")).toList(),
                Files.readAllLines(tmp.resolve("b").resolve(Trainer.METRICS)).stream()
                        .map(l -> l.replaceAll(",\"tokens_per_s\".*", "")).toList());
    }
}
