package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Decoder;
import org.charlab.model.FormattedChat;
import org.charlab.model.ModelConfig;
import org.junit.jupiter.api.Test;

class TrainTest {

    static final ChatFormat CHAT = new ChatMlFormat(new ByteTokenizer());

    static {
        org.charlab.model.TestModels.oneThread();
    }

    static ModelConfig small() {
        return new ModelConfig("llama", 48, 2, 4, 2, 12, 128, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 256, true,
                false, false);
    }

    static final List<Conversation> CORPUS = List.of(
            Conversation.of(Message.user("2+3?"), Message.assistant("two plus three", "5")),
            Conversation.of(Message.system("Speak Spanish."), Message.user("2+3?"), Message.assistant("dos y tres", "cinco")),
            Conversation.of(Message.user("hi"), Message.assistant("a greeting", "Hello!")),
            Conversation.of(Message.system("Speak Spanish."), Message.user("hi"), Message.assistant("un saludo", "¡Hola!")));

    static TokenBatch corpusBatch() {
        List<int[]> ids = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        for (Conversation c : CORPUS) {
            FormattedChat f = CHAT.format(c);
            ids.add(f.ids());
            masks.add(f.assistantMask(false));
        }
        return TokenBatch.of(ids, masks, new ByteTokenizer().padId());
    }

    /** Loss falls far below its start, every parameter moves, and the model then says what it learned. */
    @Test
    void tinyModelLearnsTinyCorpusAndEveryParameterChanges() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(small(), m, 3);
                AdamW opt = new AdamW(d, AdamW.Options.defaults(1e-2))) {
            Map<String, float[]> before = new HashMap<>();
            d.parameters().forEach((k, v) -> before.put(k, v.toFloatArray()));
            TokenBatch batch = corpusBatch();
            double first = 0;
            double last = 0;
            for (int i = 0; i < 150; i++) {
                LmStep.Result r = LmStep.step(d, opt, batch, 1e-2, 1.0);
                if (i == 0) {
                    first = r.loss();
                }
                last = r.loss();
            }
            assertTrue(first > 4.0, "starts near log(264) = 5.6: " + first);
            assertTrue(last < 0.1 * first, "loss fell from " + first + " only to " + last);
            for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
                float[] now = e.getValue().toFloatArray();
                double diff = 0;
                for (int i = 0; i < now.length; i++) {
                    diff = Math.max(diff, Math.abs(now[i] - before.get(e.getKey())[i]));
                }
                assertTrue(diff > 1e-4, e.getKey() + " did not change");
            }
            d.setTrainable(false);
            Generator gen = new Generator(d, CHAT);
            List<Sample> s = gen.generate(List.of(CORPUS.get(1).prompt(), CORPUS.get(2).prompt()),
                    ChatFormat.Prefill.none(), SamplingParams.greedy(40));
            assertEquals("dos y tres", s.get(0).cot());
            assertEquals("cinco", s.get(0).output());
            assertEquals(Sample.StopReason.STOP, s.get(0).stopReason());
            assertEquals("Hello!", s.get(1).output());
            assertTrue(s.get(1).thinkClosed());
        }
    }

    /**
     * Neither the model manager's array count nor the process RSS grows over 500 steps. RSS is
     * compared between steps 250 and 500, after warm-up (allocator pools and the JIT settle first);
     * one step's activations leaking would add over 1 MB per step.
     */
    @Test
    void memoryStaysFlatOver500Steps() throws IOException {
        ModelConfig cfg = new ModelConfig("qwen2", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 128,
                false, true, false);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 3);
                AdamW opt = new AdamW(d, AdamW.Options.defaults(1e-3))) {
            TokenBatch batch = corpusBatch();
            int arraysAt50 = 0;
            long rssAt250 = 0;
            for (int i = 0; i < 500; i++) {
                LmStep.step(d, opt, batch, 1e-3, 1.0);
                if (i == 50) {
                    arraysAt50 = d.manager().getManagedArrays().size();
                }
                if (i == 250) {
                    System.gc();
                    rssAt250 = rssKb();
                }
            }
            System.gc();
            long rssEnd = rssKb();
            assertEquals(arraysAt50, d.manager().getManagedArrays().size(), "arrays leaked into the model manager");
            assertEquals(arraysAt50, d.manager().getManagedArrays().size());
            assertTrue(rssEnd - rssAt250 < 30_000, "RSS grew from " + rssAt250 + " kB at step 250 to " + rssEnd
                    + " kB at step 500");
        }
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    /** One AdamW step by hand: bias-corrected first step moves each weight by lr * sign(g); decay only where due. */
    @Test
    void adamWFirstStepAndDecoupledDecay() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -2f, 3f}, new Shape(3));
            NDArray n = m.create(new float[] {1f, 1f}, new Shape(2));
            w.setRequiresGradient(true);
            n.setRequiresGradient(true);
            Map<String, NDArray> params = new java.util.LinkedHashMap<>();
            params.put("layer.weight", w);
            params.put("layer.norm.weight", n);
            try (AdamW opt = new AdamW(params, AdamW.DEFAULT_DECAY, new AdamW.Options(0.1, 0.9, 0.999, 1e-8, 0.5), m)) {
                try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray g = s.create(new float[] {2f, -1f, 0.5f}, new Shape(3));
                    NDArray loss = w.mul(g).sum().add(n.mul(s.create(new float[] {1f, -1f}, new Shape(2))).sum());
                    gc.backward(loss);
                }
                opt.step();
                float[] wn = w.toFloatArray();
                // p = p (1 - lr wd) - lr * sign(g)
                float[] want = {1f * 0.95f - 0.1f, -2f * 0.95f + 0.1f, 3f * 0.95f - 0.1f};
                for (int i = 0; i < 3; i++) {
                    assertEquals(want[i], wn[i], 1e-5f);
                }
                float[] nn = n.toFloatArray();
                assertEquals(0.9f, nn[0], 1e-5f, "norms are not decayed");
                assertEquals(1.1f, nn[1], 1e-5f);
                assertEquals(List.of("layer.weight"), opt.decayed());
                opt.zeroGrad();
                assertEquals(0f, w.getGradient().abs().sum().getFloat());
            }
        }
    }

    @Test
    void aWeightNoBackwardReachedIsNotStepped() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray used = m.create(new float[] {1f, 2f}, new Shape(2));
            NDArray unused = m.create(new float[] {3f, 4f}, new Shape(2));
            used.setRequiresGradient(true);
            unused.setRequiresGradient(true);
            Map<String, NDArray> params = new java.util.LinkedHashMap<>();
            params.put("a.weight", used);
            params.put("b.weight", unused);
            try (AdamW opt = new AdamW(params, n -> true, new AdamW.Options(0.1, 0.9, 0.999, 1e-8, 0.5), m)) {
                java.util.function.Consumer<Boolean> backward = both -> {
                    try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = used.mul(s.create(new float[] {1f, -1f}, new Shape(2))).sum();
                        gc.backward(both ? loss.add(unused.sum()) : loss);
                    }
                };
                backward.accept(false);
                assertEquals(0.0, GradClip.globalNorm(List.of(unused)), "no gradient counts as none, not as zeros");
                opt.step();
                // torch skips a None grad: no update, not even weight decay
                assertEquals(List.of(3f, 4f), List.of(unused.toFloatArray()[0], unused.toFloatArray()[1]));
                assertTrue(used.toFloatArray()[0] < 1f, "the reached weight moved");
                // reached once, its gradient is zeroed, not removed: a step that misses it still moves it
                // (momentum and decay), as torch after zero_grad(set_to_none=False)
                opt.zeroGrad();
                backward.accept(true);
                opt.step();
                float afterReached = unused.toFloatArray()[0];
                assertTrue(afterReached < 3f);
                opt.zeroGrad();
                backward.accept(false);
                opt.step();
                assertTrue(unused.toFloatArray()[0] < afterReached, "stepped with a zero gradient");
            }
        }
    }

    @Test
    void gradClipScalesToTheGlobalNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1f, 1f}, new Shape(2));
            NDArray b = m.create(new float[] {1f}, new Shape(1));
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = a.mul(s.create(new float[] {3f, 0f}, new Shape(2))).sum()
                        .add(b.mul(s.create(new float[] {4f}, new Shape(1))).sum());
                gc.backward(loss);
            }
            List<NDArray> ps = List.of(a, b);
            assertEquals(5.0, GradClip.clip(ps, 1.0), 1e-6);
            assertEquals(1.0, GradClip.globalNorm(ps), 1e-5);
            assertEquals(0.6f, a.getGradient().toFloatArray()[0], 1e-5f);
            assertFalse(GradClip.clip(ps, 2.0) > 1.0001);
        }
    }

    @Test
    void tokenLossMatchesHandComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0f, 0f, Float.parseFloat("1.0"), 0f, 0f, 0f}, new Shape(1, 2, 3));
            NDArray targets = m.create(new long[] {2, 0}, new Shape(1, 2));
            double lp0 = 1 - Math.log(Math.exp(1) + 2);
            assertEquals(-lp0, TokenLoss.maskedNll(logits, targets, m.create(new float[] {1f, 0f}, new Shape(1, 2)))
                    .getFloat(), 1e-5);
            double lp1 = -Math.log(3);
            assertEquals(-(lp0 + lp1) / 2, TokenLoss.maskedNll(logits, targets,
                    m.create(new float[] {1f, 1f}, new Shape(1, 2))).getFloat(), 1e-5);
        }
    }
}
