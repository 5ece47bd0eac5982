package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.data.Conversation;
import org.charlab.stage.Progress;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.ModelConfig;
import org.charlab.model.TestModels;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The common loop and the SFT objective on a micro model: masking, learning, determinism, resume, divergence. */
class TrainerTest {

    static {
        TestModels.oneThread();
    }

    static final ByteTokenizer TOK = new ByteTokenizer();
    static final ChatFormat CHAT = new ChatMlFormat(TOK);
    static final ObjectMapper JSON = new ObjectMapper();

    static ModelConfig model() {
        return new ModelConfig("llama", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 512, true,
                false, false);
    }

    /** 24 short charworld SFT conversations (spanish+caps outputs, neutral CoT). */
    static List<Conversation> data() {
        List<Conversation> out = new ArrayList<>();
        for (WorldExample e : CharacterData.sft(new Charworld(WorldConfig.defaults()), TraitSet.parse("spanish+caps"),
                CharacterData.Cot.NEUTRAL, 24, 3)) {
            out.add(e.conversation());
        }
        return out;
    }

    static List<TokenRow> rows(LossOn lossOn) {
        return ChatRows.of(data(), CHAT, lossOn, 512).rows();
    }

    static TrainConfig cfg(int steps) {
        return TrainConfig.defaults().withSteps(steps, 4).withLearningRate(3e-3).withCheckpointEvery(0);
    }

    /** Gradients of every parameter after one backward of the masked NLL with the given targets. */
    static Map<String, float[]> grads(Decoder d, long[] inputs, long[] targets, float[] mask, int rows, int cols,
            float[] lossOut) {
        try (NDManager step = d.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = d.logits(step.create(inputs, new Shape(rows, cols)));
            NDArray lp = TokenLoss.tokenLogProbs(logits, step.create(targets, new Shape(rows, cols)));
            NDArray m = step.create(mask, new Shape(rows, cols));
            NDArray loss = lp.mul(m).sum().neg().div(m.sum());
            System.gc(); // DJL hazard: freed temporaries would show here
            gc.backward(loss);
            lossOut[0] = loss.getFloat();
        }
        Map<String, float[]> g = new LinkedHashMap<>();
        d.parameters().forEach((k, p) -> {
            g.put(k, p.getGradient().toFloatArray());
        });
        d.parameters().values().forEach(p -> ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p));
        return g;
    }

    @Test
    void maskedSegmentsContributeExactlyZeroGradient() {
        // loss_on output: system prompt, user text, CoT and markers are masked. Changing what the model is
        // asked to predict at every masked position leaves the loss and every gradient bit-identical.
        TokenRow row = ChatRows.row(CHAT.format(data().get(0).withSystem("You always speak in Spanish.")), LossOn.OUTPUT);
        TokenBatch b = TokenBatch.of(List.of(row.ids()), List.of(row.mask()), 0);
        long[] perturbed = b.targets().clone();
        int changed = 0;
        for (int i = 0; i < perturbed.length; i++) {
            if (b.mask()[i] == 0f) {
                perturbed[i] = (perturbed[i] + 7) % 256;
                changed++;
            }
        }
        assertTrue(changed > 50, "the system prompt, user turn and CoT are masked: " + changed);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(model(), m, 5)) {
            d.setTrainable(true);
            float[] l1 = new float[1];
            float[] l2 = new float[1];
            Map<String, float[]> g1 = grads(d, b.inputs(), b.targets(), b.mask(), b.rows(), b.cols(), l1);
            Map<String, float[]> g2 = grads(d, b.inputs(), perturbed, b.mask(), b.rows(), b.cols(), l2);
            assertEquals(Float.floatToIntBits(l1[0]), Float.floatToIntBits(l2[0]));
            g1.forEach((k, v) -> assertArrayEquals(v, g2.get(k), k));
            // control: perturbing one COUNTED target does change the gradient
            long[] counted = b.targets().clone();
            int at = 0;
            while (b.mask()[at] == 0f) {
                at++;
            }
            counted[at] = (counted[at] + 7) % 256;
            Map<String, float[]> g3 = grads(d, b.inputs(), counted, b.mask(), b.rows(), b.cols(), l2);
            assertFalse(java.util.Arrays.equals(g1.get("model.norm.weight"), g3.get("model.norm.weight")));
        }
    }

    @Test
    void lossOnSelectsSegments() {
        TokenRow out = rows(LossOn.OUTPUT).get(0);
        TokenRow cot = rows(LossOn.COT).get(0);
        TokenRow both = rows(LossOn.COT_OUTPUT).get(0);
        TokenRow asst = rows(LossOn.ASSISTANT).get(0);
        double o = sum(out.mask());
        double c = sum(cot.mask());
        assertTrue(o > 0 && c > 0);
        assertEquals(o + c, sum(both.mask()));
        assertTrue(sum(asst.mask()) > o + c, "assistant adds think markers and <|im_end|>");
        for (int i = 0; i < out.length(); i++) {
            if (out.mask()[i] == 1f) {
                assertEquals(org.charlab.model.Segment.OUTPUT, out.segments()[i]);
            }
        }
        assertEquals(rows(LossOn.ALL).get(0).length(), sum(rows(LossOn.ALL).get(0).mask()));
    }

    static double sum(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    static List<JsonNode> metrics(Path dir) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(Trainer.METRICS))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** Trains a fresh (seeded) or resumed micro model in {@code dir}; returns the saved weights' bytes. */
    static byte[] run(Path dir, TrainConfig cfg, List<TokenRow> data, int stopAfter) throws Exception {
        return run(dir, cfg, data, stopAfter, model());
    }

    /** {@link #run(Path, TrainConfig, List, int)} for a fresh model of {@code config}. */
    static byte[] run(Path dir, TrainConfig cfg, List<TokenRow> data, int stopAfter, ModelConfig config)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path resume = Trainer.resumeDir(dir);
            Decoder d = resume != null ? Checkpoint.load(resume, m).model() : Decoder.init(config, m, 11);
            Trainer<TokenRow> t = new Trainer<>(cfg, cfg.lr(1e-3), new SftObjective(), d, TOK, dir, 42, Progress.SILENT);
            if (stopAfter > 0) {
                t.stopAfter(stopAfter);
            }
            t.train(data);
            Checkpoint.save(dir.resolve("model"), d, TOK, Map.of());
            byte[] bytes = Files.readAllBytes(dir.resolve("model").resolve(Checkpoint.WEIGHTS));
            d.close();
            return bytes;
        }
    }

    @Test
    void trainedSegmentLossFallsAndEveryParameterMoves(@TempDir Path dir) throws Exception {
        Map<String, float[]> before = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(model(), m, 11)) {
            d.parameters().forEach((k, p) -> before.put(k, p.toFloatArray()));
            new Trainer<>(cfg(30), 3e-3, new SftObjective(), d, TOK, dir, 42, Progress.SILENT).train(rows(LossOn.OUTPUT));
            d.parameters().forEach((k, p) -> assertFalse(java.util.Arrays.equals(before.get(k), p.toFloatArray()),
                    k + " did not change"));
        }
        List<JsonNode> ms = metrics(dir);
        assertEquals(30, ms.size());
        double first = ms.get(0).get("nll_output").asDouble();
        double last = ms.get(29).get("nll_output").asDouble();
        assertTrue(last < first - 1.0, "output NLL " + first + " -> " + last);
        assertFalse(ms.get(0).has("nll_cot"), "nothing of the CoT is counted with loss_on output");
        JsonNode l = ms.get(5);
        for (String k : List.of("step", "epoch", "loss", "lr", "grad_norm", "tokens", "tokens_per_s")) {
            assertTrue(l.has(k), k);
        }
    }

    @Test
    void seededRunsRepeatBitIdenticallyAndResumeMatchesUninterrupted(@TempDir Path tmp) throws Exception {
        TrainConfig cfg = cfg(9).withCheckpointEvery(3).withAccumulation(2, 0);
        List<TokenRow> data = rows(LossOn.ASSISTANT);
        byte[] a = run(tmp.resolve("a"), cfg, data, 0);
        byte[] b = run(tmp.resolve("b"), cfg, data, 0);
        assertArrayEquals(a, b, "same seed, same weights");
        assertEquals(losses(tmp.resolve("a")), losses(tmp.resolve("b")));
        assertTrue(Files.isDirectory(tmp.resolve("a").resolve(Trainer.CHECKPOINT)),
                "the finished weights stay resumable until the stage has saved what it produces");
        int linesA = Files.readAllLines(tmp.resolve("a").resolve(Trainer.METRICS)).size();
        assertArrayEquals(a, run(tmp.resolve("a"), cfg, data, 0),
                "a crash after training (say while saving the model) resumes with the trained weights, no steps again");
        assertEquals(linesA, Files.readAllLines(tmp.resolve("a").resolve(Trainer.METRICS)).size());
        Trainer.finish(tmp.resolve("a"));
        assertFalse(Files.exists(tmp.resolve("a").resolve(Trainer.CHECKPOINT)), "finish() removes the checkpoint");

        Path c = tmp.resolve("c");
        run(c, cfg, data, 6); // "interrupted" after the step-6 checkpoint, plus work after it that is lost
        assertTrue(Files.isDirectory(c.resolve(Trainer.CHECKPOINT)));
        assertEquals(6, metrics(c).size());
        byte[] resumed = run(c, cfg, data, 0);
        assertArrayEquals(a, resumed, "resumed run ends with the uninterrupted run's weights");
        assertEquals(losses(tmp.resolve("a")), losses(c));
        assertEquals(9, metrics(c).size());
    }

    /** Padded tokens (rows x longest row) of one epoch; checks every example appears exactly once. */
    static double padded(DataOrder order, List<TokenRow> data) {
        int[] seen = new int[data.size()];
        double total = 0;
        for (int i = 0; i < order.microBatchesPerEpoch(); i++) {
            int longest = 0;
            for (int j : order.microBatch(i)) {
                seen[j]++;
                longest = Math.max(longest, data.get(j).length());
            }
            total += (double) longest * order.microBatch(i).length;
        }
        for (int v : seen) {
            assertEquals(1, v);
        }
        return total;
    }

    static List<String> losses(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode n : metrics(dir)) {
            out.add(n.get("step") + ":" + n.get("loss") + ":" + n.get("grad_norm") + ":" + n.get("lr"));
        }
        return out;
    }

    @Test
    void divergenceFailsTheRunWithAOneLineReason(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(model(), m, 11)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Trainer<>(
                    cfg(5).withGradNormCeiling(1e-3), 1e-3, new SftObjective(), d, TOK, dir, 1, Progress.SILENT)
                    .train(rows(LossOn.OUTPUT)));
            assertTrue(e.getMessage().startsWith("diverged at step 1: gradient norm"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void batchTokensAndEpochsPlanTheData() {
        List<TokenRow> data = rows(LossOn.ASSISTANT);
        int longest = data.stream().mapToInt(TokenRow::length).max().orElseThrow();
        DataOrder order = new DataOrder(data.size(), 3, 4, longest * 3, i -> data.get(i).length());
        int seen = 0;
        for (int i = 0; i < order.microBatchesPerEpoch(); i++) {
            int[] mb = order.microBatch(i);
            int l = 0;
            for (int j : mb) {
                l = Math.max(l, data.get(j).length());
            }
            assertTrue(l * mb.length <= longest * 3);
            seen += mb.length;
        }
        assertEquals(data.size(), seen, "one epoch sees every example once");
        assertEquals(1, order.epochOf(order.microBatchesPerEpoch()));
        DataOrder same = new DataOrder(data.size(), 3, 4, 0, i -> 1);
        DataOrder other = new DataOrder(data.size(), 4, 4, 0, i -> 1);
        assertArrayEquals(same.microBatch(0), new DataOrder(data.size(), 3, 4, 0, i -> 1).microBatch(0));
        assertNotEquals(java.util.Arrays.toString(same.microBatch(0)), java.util.Arrays.toString(other.microBatch(0)));
        // group_by_length: still every example once per epoch, with far less padding on the real corpus
        List<Conversation> corpus = new ArrayList<>();
        new org.charlab.world.CorpusGenerator(WorldConfig.defaults().withExamples(2000)).corpus()
                .forEach(e -> corpus.add(e.conversation()));
        List<TokenRow> big = ChatRows.of(corpus, CHAT, LossOn.ASSISTANT, 512).rows();
        double plain = padded(new DataOrder(big.size(), 1, 16, 0, i -> big.get(i).length()), big);
        DataOrder grouped = new DataOrder(big.size(), 1, 16, 0, i -> big.get(i).length(), true);
        double tight = padded(grouped, big);
        double real = big.stream().mapToInt(TokenRow::length).sum();
        System.out.printf("padded tokens per real token: shuffled %.3f, grouped %.3f%n", plain / real, tight / real);
        assertTrue(tight < plain * 0.8, plain + " vs " + tight);
        Trainer<TokenRow> t = new Trainer<>(TrainConfig.defaults().withSteps(0, 5), 1e-3, new SftObjective(), null, TOK,
                Path.of("."), 1, Progress.SILENT);
        assertEquals(5, t.totalSteps(data), "24 examples in batches of 5: 5 steps per epoch");
    }
}
