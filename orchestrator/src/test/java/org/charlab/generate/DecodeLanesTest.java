package org.charlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Decoder;
import org.charlab.model.Lanes;
import org.charlab.model.ModelConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecodeLanesTest {

    private int threadsBefore;

    @BeforeEach
    void twoIntraOpThreads() {
        org.charlab.model.TestModels.oneThread();
        threadsBefore = JniUtils.getNumThreads();
        JniUtils.setNumThreads(2);
    }

    @AfterEach
    void restore() {
        JniUtils.setNumThreads(threadsBefore);
    }

    /** What a lane sees: its rows, its thread, its intra-op threads and grad mode. */
    record Seen(int row, String thread, int intraOp, boolean grad) {
    }

    @Test
    void lanesSplitRowsContiguouslyEachWithOneIntraOpThreadAndGradOff() throws Exception {
        JniUtils.setGradMode(true); // the caller's mode must not leak into the lanes
        try {
            List<DecodeLanes.Share> shares = DecodeLanes.shares(5, 5, 2);
            List<Seen> seen = Lanes.each(2, shares.size(), k -> {
                List<Seen> part = new ArrayList<>();
                for (int r = shares.get(k).from(); r < shares.get(k).to(); r++) {
                    part.add(new Seen(r, Thread.currentThread().getName(), JniUtils.getNumThreads(),
                            JniUtils.isGradMode()));
                }
                return part;
            });
            assertEquals(5, seen.size());
            for (int r = 0; r < 5; r++) {
                Seen s = seen.get(r);
                assertEquals(r, s.row(), "results come back in row order");
                assertEquals("charlab-lane", s.thread());
                assertEquals(1, s.intraOp(), "a lane has one intra-op thread");
                assertFalse(s.grad(), "a lane records no graph");
            }
            // rows 0-1 in one lane, 2-4 in the other (contiguous shares)
            assertEquals(seen.get(0).thread(), seen.get(1).thread());
        } finally {
            JniUtils.setGradMode(false);
        }
        assertEquals(2, JniUtils.getNumThreads(), "the caller keeps its intra-op threads");
        // the process-wide default a lane's setup lowered is given back: a thread started now gets 2
        AtomicInteger fresh = new AtomicInteger();
        Thread t = new Thread(() -> fresh.set(JniUtils.getNumThreads()));
        t.start();
        t.join();
        assertEquals(2, fresh.get());
    }

    @Test
    void aLaneFailureReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("lane failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Lanes.each(2, 2, k -> {
                    if (k > 0) {
                        throw boom;
                    }
                    return List.of(k);
                }));
        assertSame(boom, thrown);
    }

    @Test
    void smallCpuModelsDecodeInLanesLargeOnesOnTheCaller() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig tiny = ModelConfig.tiny();
            try (Decoder d = Decoder.init(tiny, m, 1)) {
                assertTrue(DecodeLanes.applies(d));
            }
            assertTrue(DecodeLanes.laneSized(ModelConfig.small25m()), "the 25m bench model decodes in lanes");
            // a 0.5B-class model (Qwen2.5-0.5B's shape: d 896, 24 layers, 14 / 2 heads, 4,864, vocab 151,936)
            ModelConfig half = new ModelConfig("qwen2", 896, 24, 14, 2, 64, 4864, 1e6, 1e-6, 151936, 32768, true,
                    true, false);
            assertFalse(DecodeLanes.laneSized(half), "a real checkpoint decodes on the caller");
        }
    }

    @Test
    void aCallIsCutByTheMachinesCoresIntoWholeBatchesOrSharesOfEach() {
        record R(int from, int to) {
        }
        java.util.function.Function<List<DecodeLanes.Share>, List<R>> plain =
                l -> l.stream().map(x -> new R(x.from(), x.to())).toList();
        // one batch of 32 on 2 cores: two halves; on 1 core: whole
        assertEquals(List.of(new R(0, 16), new R(16, 32)), plain.apply(DecodeLanes.shares(32, 32, 2)));
        assertEquals(List.of(new R(0, 32)), plain.apply(DecodeLanes.shares(32, 32, 1)));
        // as many batches as cores or more: whole batches, the last one short
        assertEquals(List.of(new R(0, 2), new R(2, 4), new R(4, 5)), plain.apply(DecodeLanes.shares(5, 2, 3)));
        // fewer batches than cores: each batch cut into min(cores, its rows) contiguous shares
        assertEquals(List.of(new R(0, 2), new R(2, 4), new R(4, 7), new R(7, 8), new R(8, 9)),
                plain.apply(DecodeLanes.shares(9, 7, 3)));
        assertEquals(List.of(new R(0, 1)), plain.apply(DecodeLanes.shares(1, 32, 2)), "one row: one share");
    }

    @Test
    void wholeTasksComeBackInTaskOrderWhicheverLaneFinishesFirst() {
        List<Integer> order = Lanes.each(2, 5, i -> {
            if (i == 0) {
                try {
                    Thread.sleep(200); // the other lane finishes tasks 1.. meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of(i);
        });
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    /**
     * Both lane paths give the same greedy tokens as decoding every row alone on the caller: one
     * batch of 6 shared by two lanes, and three batches of 2 taken whole by two lanes.
     */
    @Test
    void greedySamplesInLanesMatchRowsDecodedAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig cfg = new ModelConfig("qwen3", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE,
                    256, false, false, true);
            try (Decoder d = org.charlab.model.TestModels.sharpened(Decoder.init(cfg, m, 21))) {
                ChatFormat chat = new ChatMlFormat(new ByteTokenizer());
                Generator gen = new Generator(d, chat);
                var prompts = GeneratorTest.prompts(6, 3);
                SamplingParams p = SamplingParams.greedy(12).withMaxBatch(6);
                List<Sample> shared = gen.generate(prompts, ChatFormat.Prefill.none(), p);
                List<Sample> whole = gen.generate(prompts, ChatFormat.Prefill.none(), p.withMaxBatch(2));
                JniUtils.setNumThreads(1);
                List<Sample> alone = gen.generate(prompts, ChatFormat.Prefill.none(), p.withMaxBatch(1));
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(alone.get(i).tokens(), shared.get(i).tokens(), "prompt " + i + ", shared batch");
                    assertArrayEquals(alone.get(i).tokens(), whole.get(i).tokens(), "prompt " + i + ", whole batches");
                }
            }
        }
    }

    /**
     * The generator decodes the shares the machine's cores cut (above), whatever the lane threads: one
     * batch of 7 rows cut in 3, and 4 batches of 2 taken whole, sample the same tokens on one lane thread
     * as on two. (This small model's tokens would not show a different cut's rounding either; the cut
     * itself is what {@link #aCallIsCutByTheMachinesCoresIntoWholeBatchesOrSharesOfEach} checks.)
     */
    @Test
    void sampledTokensDependOnThePartsNotOnTheLaneThreads() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig cfg = new ModelConfig("qwen3", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE,
                    256, false, false, true);
            try (Decoder d = Decoder.init(cfg, m, 22)) {
                Generator gen = new Generator(d, new ChatMlFormat(new ByteTokenizer())).withParts(3);
                var prompts = GeneratorTest.prompts(7, 4);
                SamplingParams p = SamplingParams.sampled(1.0, 0.95, 16, 5).withMaxBatch(7);
                List<Sample> split2 = gen.generate(prompts, ChatFormat.Prefill.none(), p);
                List<Sample> whole2 = gen.generate(prompts, ChatFormat.Prefill.none(), p.withMaxBatch(2));
                JniUtils.setNumThreads(1);
                List<Sample> split1 = gen.generate(prompts, ChatFormat.Prefill.none(), p);
                List<Sample> whole1 = gen.generate(prompts, ChatFormat.Prefill.none(), p.withMaxBatch(2));
                boolean differ = false;
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(split2.get(i).tokens(), split1.get(i).tokens(), "prompt " + i + ", 3 parts");
                    assertArrayEquals(whole2.get(i).tokens(), whole1.get(i).tokens(), "prompt " + i + ", whole batches");
                    differ |= !java.util.Arrays.equals(split1.get(i).tokens(), split1.get((i + 1) % 7).tokens());
                }
                assertTrue(differ, "sampled rows differ from each other (the comparison is not of constants)");
            }
        }
    }
}
