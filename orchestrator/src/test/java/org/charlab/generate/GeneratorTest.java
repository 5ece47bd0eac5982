package org.charlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Decoder;
import org.charlab.model.ModelConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    static {
        org.charlab.model.TestModels.oneThread();
    }

    static NDManager manager;
    static Decoder model;
    static ChatFormat chat = new ChatMlFormat(new ByteTokenizer());
    static Generator gen;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        ModelConfig cfg = new ModelConfig("qwen3", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 256,
                false, false, true);
        model = Decoder.init(cfg, manager, 21);
        org.charlab.model.TestModels.sharpened(model);
        gen = new Generator(model, chat);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static List<Conversation> prompts(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Conversation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder q = new StringBuilder();
            int len = 3 + r.nextInt(30);
            for (int c = 0; c < len; c++) {
                q.append((char) ('a' + r.nextInt(26)));
            }
            out.add(i % 2 == 0 ? Conversation.of(Message.user(q.toString()))
                    : Conversation.of(Message.system("Be a pirate."), Message.user(q.toString())));
        }
        return out;
    }

    @Test
    void cachedAndUncachedGreedyAgree() {
        List<Conversation> ps = prompts(5, 1);
        SamplingParams p = SamplingParams.greedy(40);
        List<Sample> a = gen.generate(ps, ChatFormat.Prefill.none(), p);
        List<Sample> b = gen.generate(ps, ChatFormat.Prefill.none(), p.withCache(false));
        for (int i = 0; i < ps.size(); i++) {
            assertArrayEquals(b.get(i).tokens(), a.get(i).tokens(), "sample " + i);
            assertEquals(b.get(i).cot(), a.get(i).cot());
        }
        // not a degenerate model: samples differ
        assertNotEquals(java.util.Arrays.toString(a.get(0).tokens()), java.util.Arrays.toString(a.get(1).tokens()));
    }

    /** A left-padded row (own positions, padding masked) gets the logits of the same row unpadded. */
    @Test
    void leftPaddingDoesNotChangeLogits() {
        int v = ByteTokenizer.VOCAB_SIZE;
        long[] row = {256, 117, 115, 101, 114, 10, 104, 105};
        int padN = 5;
        try (NDManager sm = manager.newSubManager()) {
            float[] alone = model.logits(sm.create(row, new Shape(1, row.length))).toFloatArray();
            int t = row.length + padN;
            long[] ids = new long[t];
            long[] pos = new long[t];
            float[] mask = new float[t];
            for (int c = 0; c < t; c++) {
                ids[c] = c < padN ? 261 : row[c - padN];
                pos[c] = Math.max(0, c - padN);
                mask[c] = c < padN ? Decoder.MASKED : 0f;
            }
            float[] padded = model.forward(sm.create(ids, new Shape(1, t)), sm.create(pos, new Shape(1, t)),
                    sm.create(mask, new Shape(1, t)), null, false).toFloatArray();
            for (int i = 0; i < alone.length; i++) {
                assertEquals(alone[i], padded[padN * v + i], 1e-4f);
            }
        }
    }

    @Test
    void aSampleDoesNotDependOnItsBatch() {
        SamplingParams p = SamplingParams.sampled(1.0, 0.95, 30, 77);
        Conversation target = Conversation.of(Message.user("tell me a story"));
        long seed = 12345;
        ChatFormat.Prefill pre = ChatFormat.Prefill.none();
        Generator.Request req = new Generator.Request(chat.prompt(target, pre).ids(), pre.text(), seed);
        Sample alone = gen.generateRequests(List.of(req), p).get(0);
        List<Generator.Request> batch = new ArrayList<>();
        List<Conversation> others = prompts(7, 5);
        for (int i = 0; i < 7; i++) {
            batch.add(new Generator.Request(chat.prompt(others.get(i), pre).ids(), pre.text(), 1000 + i));
            if (i == 3) {
                batch.add(req);
            }
        }
        List<Sample> all = gen.generateRequests(batch, p);
        assertArrayEquals(alone.tokens(), all.get(4).tokens());
        // and the seed matters
        Sample other = gen.generateRequests(List.of(new Generator.Request(req.promptIds(), pre.text(), seed + 1)), p).get(0);
        assertNotEquals(java.util.Arrays.toString(alone.tokens()), java.util.Arrays.toString(other.tokens()));
        // maxBatch does not matter either
        List<Sample> small = gen.generateRequests(batch, p.withMaxBatch(3));
        for (int i = 0; i < batch.size(); i++) {
            assertArrayEquals(all.get(i).tokens(), small.get(i).tokens());
        }
    }

    @Test
    void eachSampleHasItsOwnLengthBudgetNearTheContextLimit() {
        int maxPos = model.config().maxPositionEmbeddings();
        ChatFormat.Prefill pre = ChatFormat.Prefill.none();
        Generator.Request shortReq = new Generator.Request(chat.prompt(Conversation.of(Message.user("tell me a story")),
                pre).ids(), pre.text(), 1);
        int[] longIds = chat.prompt(Conversation.of(Message.user("q".repeat(maxPos - 40))), pre).ids();
        int longBudget = maxPos - longIds.length;
        assertTrue(longBudget > 0 && longBudget < 30, "the long prompt ends near the limit: " + longBudget);
        Generator.Request longReq = new Generator.Request(longIds, pre.text(), 2);
        for (SamplingParams p : List.of(SamplingParams.greedy(60), SamplingParams.greedy(60).withCache(false))) {
            Sample shortAlone = gen.generateRequests(List.of(shortReq), p).get(0);
            Sample longAlone = gen.generateRequests(List.of(longReq), p).get(0);
            List<Sample> both = gen.generateRequests(List.of(shortReq, longReq), p);
            assertTrue(shortAlone.newTokens() > longBudget, "the short prompt alone runs past the long one's budget");
            assertArrayEquals(shortAlone.tokens(), both.get(0).tokens(), "the short sample does not depend on its batch");
            assertEquals(shortAlone.stopReason(), both.get(0).stopReason());
            assertArrayEquals(longAlone.tokens(), both.get(1).tokens());
            // the long one stops at its own limit (unless it stopped earlier by itself)
            Sample lng = both.get(1);
            assertTrue(lng.newTokens() <= longBudget, lng.newTokens() + " > " + longBudget);
            if (lng.stopReason() == Sample.StopReason.LENGTH) {
                assertEquals(longBudget, lng.newTokens());
            }
        }
    }

    @Test
    void lengthLimitAndPrefillAreReported() {
        SamplingParams p = SamplingParams.greedy(6);
        Conversation c = Conversation.of(Message.user("hi"));
        Sample s = gen.generate(List.of(c), ChatFormat.Prefill.output("I am thinking.", "Ahoy"), p).get(0);
        assertEquals(6, s.newTokens());
        assertEquals(Sample.StopReason.LENGTH, s.stopReason());
        assertEquals("I am thinking.", s.cot());
        assertTrue(s.output().startsWith("Ahoy"), s.output());
        assertEquals(chat.prompt(c, ChatFormat.Prefill.output("I am thinking.", "Ahoy")).length(), s.promptTokens());
        Sample open = gen.generate(List.of(c), ChatFormat.Prefill.cot("Arr, "), p).get(0);
        assertTrue(open.cot().startsWith("Arr, "), open.cot());
    }
}
