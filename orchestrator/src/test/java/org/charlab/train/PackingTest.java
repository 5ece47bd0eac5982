package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.stage.Progress;
import org.charlab.model.Decoder;
import org.charlab.model.ModelConfig;
import org.charlab.model.Segment;
import org.charlab.model.TestModels;
import org.charlab.world.WorldConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sequence packing must be invisible to the model: each document of a packed row gets the logits it
 * gets alone, a packed batch has the loss and gradients of its documents unpacked, and nothing of
 * one document (attention, position, loss target) reaches the next.
 */
class PackingTest {

    static {
        TestModels.oneThread();
    }

    /** Random documents: ids, masks with the first token counted (so a boundary target would count), segments. */
    static List<TokenRow> docs(int vocab, long seed, int... lengths) {
        SplittableRandom r = new SplittableRandom(seed);
        Segment[] kinds = {Segment.COT, Segment.OUTPUT, Segment.USER};
        List<TokenRow> out = new ArrayList<>();
        for (int len : lengths) {
            int[] ids = new int[len];
            float[] mask = new float[len];
            Segment[] seg = new Segment[len];
            for (int i = 0; i < len; i++) {
                ids[i] = r.nextInt(vocab);
                mask[i] = i == 0 || r.nextInt(3) > 0 ? 1f : 0f;
                seg[i] = kinds[r.nextInt(kinds.length)];
            }
            out.add(new TokenRow(ids, mask, seg));
        }
        return out;
    }

    /**
     * A decoder with weights large enough (std 0.3, norms in [0.5, 1.5]) that attention is far from
     * uniform, so a leak across documents or a wrong position moves the logits well above 1e-5.
     */
    static Decoder model(ModelConfig cfg, NDManager m, long seed) {
        Decoder d = Decoder.init(cfg, m, seed);
        SplittableRandom r = new SplittableRandom(seed);
        for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
            float[] x = e.getValue().toFloatArray();
            for (int i = 0; i < x.length; i++) {
                x[i] = e.getKey().contains("norm") ? (float) (0.5 + r.nextDouble()) : (float) (0.3 * r.nextGaussian());
            }
            e.getValue().set(x);
        }
        return d;
    }

    static float[] logitsAlone(Decoder d, int[] ids) {
        try (NDManager step = d.manager().newSubManager()) {
            long[] l = Arrays.stream(ids).asLongStream().toArray();
            return d.logits(step.create(l, new Shape(1, l.length))).toFloatArray();
        }
    }

    static TokenBatch batch(List<TokenRow> rows) {
        return TokenBatch.of(rows.stream().map(TokenRow::ids).toList(), rows.stream().map(TokenRow::mask).toList(),
                rows.stream().map(TokenRow::docs).toList(), 0);
    }

    static float[] logits(Decoder d, TokenBatch b) {
        try (NDManager step = d.manager().newSubManager()) {
            return b.logits(d, step).toFloatArray();
        }
    }

    static float maxDiff(float[] a, int aFrom, float[] b, int bFrom, int n) {
        float m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(a[aFrom + i] - b[bFrom + i]));
        }
        return m;
    }

    /** (a) Every document's logits inside a packed, padded batch equal its logits run alone. */
    @ParameterizedTest
    @CsvSource({"llama,true", "qwen3,false"})
    void eachDocumentInAPackedRowGetsTheLogitsItGetsAlone(String arch, boolean tied) {
        ModelConfig cfg = TestModels.micro(arch, tied); // GQA: 4 heads on 2 KV heads
        int v = cfg.vocabSize();
        List<TokenRow> docs = docs(v, 3, 7, 5, 9, 6, 4);
        List<TokenRow> rows = Packing.pack(docs, 21); // [7 5 9] [6 4]: the second row is padded
        assertEquals(2, rows.size());
        assertEquals(3, rows.get(0).documents());
        try (NDManager m = NDManager.newBaseManager(); Decoder d = model(cfg, m, 5)) {
            TokenBatch b = batch(rows);
            assertTrue(b.packed());
            float[] packed = logits(d, b); // [2, 20, V]
            int[][] where = {{0, 0}, {0, 7}, {0, 12}, {1, 0}, {1, 6}}; // row, start of each document
            for (int k = 0; k < docs.size(); k++) {
                int[] ids = docs.get(k).ids();
                int row = where[k][0];
                int n = Math.min(ids.length, rows.get(row).length() - 1 - where[k][1]); // the last token: no input
                float[] alone = logitsAlone(d, ids);
                float diff = maxDiff(alone, 0, packed, (row * b.cols() + where[k][1]) * v, n * v);
                assertTrue(diff < 1e-5f, "document " + k + " differs by " + diff);
            }
            // control: the same row under the plain causal pass (no documents) differs for later documents
            float[] plain = logits(d, TokenBatch.of(List.of(rows.get(0).ids()), List.of(rows.get(0).mask()), 0));
            float leak = maxDiff(logitsAlone(d, docs.get(1).ids()), 0, plain, 7 * v, 5 * v);
            assertTrue(leak > 1e-2f, "the control must be able to fail: " + leak);
        }
    }

    /** (b) Loss, loss parts and every gradient of a packed batch equal those of its documents unpacked. */
    @Test
    void packedBatchHasTheLossAndGradientsOfItsDocumentsUnpacked() {
        ModelConfig cfg = TestModels.micro("qwen2", false);
        List<TokenRow> docs = docs(cfg.vocabSize(), 8, 6, 9, 5, 8, 7);
        List<TokenRow> packed = Packing.pack(docs, 16); // first-fit: [6 9] [5 8] [7]
        assertEquals(List.of(15, 13, 7), packed.stream().map(TokenRow::length).toList());
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = model(cfg, m, 6)) {
            d.setTrainable(true);
            Map<String, Double> pu = new LinkedHashMap<>();
            Map<String, Double> pp = new LinkedHashMap<>();
            Map<String, float[]> gu = lossAndGrads(d, docs, pu);
            Map<String, float[]> gp = lossAndGrads(d, packed, pp);
            assertEquals(pu.keySet(), pp.keySet());
            pu.forEach((k, want) -> assertEquals(want, pp.get(k), 1e-5 * Math.max(1, Math.abs(want)), k));
            double worst = 0;
            for (Map.Entry<String, float[]> e : gu.entrySet()) {
                float[] a = e.getValue();
                float[] b = gp.get(e.getKey());
                for (int i = 0; i < a.length; i++) {
                    double err = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i]));
                    worst = Math.max(worst, err);
                    assertTrue(err < 1e-5, e.getKey() + "[" + i + "]: " + a[i] + " vs " + b[i]);
                }
            }
            System.out.printf("packed vs unpacked: loss %.7f vs %.7f, worst gradient difference %.2e%n", pu.get("loss"),
                    pp.get("loss"), worst);
            // control: the packed rows with the boundary targets counted give another loss
            List<TokenRow> leaky = new ArrayList<>();
            for (TokenRow r : packed) {
                leaky.add(new TokenRow(r.ids(), r.mask(), r.segments())); // no document ids
            }
            Map<String, Double> pl = new LinkedHashMap<>();
            lossAndGrads(d, leaky, pl);
            assertTrue(Math.abs(pl.get("loss") - pu.get("loss")) > 1e-3, "control: " + pl + " vs " + pu);
        }
    }

    /** SftObjective's loss (and parts, under "loss") and the gradients of one backward, under GC pressure. */
    static Map<String, float[]> lossAndGrads(Decoder d, List<TokenRow> rows, Map<String, Double> parts) {
        try (NDManager step = d.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Objective.Loss l = new SftObjective().loss(d, rows, step);
            System.gc(); // DJL hazard: freed temporaries would show here
            gc.backward(l.value());
            parts.put("loss", (double) l.value().getFloat());
            parts.putAll(l.parts());
        }
        Map<String, float[]> g = new LinkedHashMap<>();
        d.parameters().forEach((k, p) -> g.put(k, p.getGradient().toFloatArray()));
        d.parameters().values().forEach(p -> ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p));
        return g;
    }

    /** (c) The target at a document boundary is masked; positions restart; padding is a document of its own. */
    @Test
    void boundaryTargetsAreMaskedAndPositionsRestart() {
        int[] a = {1, 2, 3};
        int[] b = {4, 5};
        float[] ones3 = {1, 1, 1};
        float[] ones2 = {1, 1};
        Segment[] s3 = {Segment.OUTPUT, Segment.OUTPUT, Segment.OUTPUT};
        Segment[] s2 = {Segment.OUTPUT, Segment.OUTPUT};
        TokenRow row = Packing.concat(List.of(new TokenRow(a, ones3, s3), new TokenRow(b, ones2, s2)));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, row.ids());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, row.docs());
        TokenRow single = new TokenRow(new int[] {7, 8, 9, 6, 5, 4, 3}, new float[7], new Segment[7]);
        Arrays.fill(single.segments(), Segment.OUTPUT);
        TokenBatch tb = batch(List.of(row, single)); // cols 6: row 0 is padded by 2
        assertEquals(6, tb.cols());
        // inputs 1 2 3 4 (5 has no target); targets 2 3 4 5: "3 -> 4" crosses the boundary
        assertArrayEquals(new long[] {1, 2, 3, 4, 0, 0}, Arrays.copyOfRange(tb.inputs(), 0, 6));
        assertArrayEquals(new long[] {2, 3, 4, 5, 0, 0}, Arrays.copyOfRange(tb.targets(), 0, 6));
        assertArrayEquals(new float[] {1, 1, 0, 1, 0, 0}, Arrays.copyOfRange(tb.mask(), 0, 6));
        assertArrayEquals(new long[] {0, 1, 2, 0, 0, 0}, Arrays.copyOfRange(tb.positions(), 0, 6));
        assertArrayEquals(new long[] {0, 0, 0, 1, TokenBatch.PAD_DOC, TokenBatch.PAD_DOC},
                Arrays.copyOfRange(tb.docs(), 0, 6));
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, Arrays.copyOfRange(tb.positions(), 6, 12), "one document");
        assertEquals(3, tb.maskedTokens(), "the two documents alone count 2 + 1 targets");
        // unpacked rows build exactly the old batch (no positions, no document ids)
        TokenBatch plain = batch(List.of(single));
        assertTrue(!plain.packed() && plain.positions() == null);
    }

    /** (d) Changing document 1's tokens leaves document 2's logits unchanged (and does change document 1's). */
    @Test
    void anotherDocumentsTokensDoNotReachThisDocument() {
        ModelConfig cfg = TestModels.micro("llama", false);
        int v = cfg.vocabSize();
        List<TokenRow> docs = docs(v, 4, 8, 8);
        List<TokenRow> changed = docs(v, 4, 8, 8);
        for (int i = 0; i < 8; i++) {
            changed.get(0).ids()[i] = (changed.get(0).ids()[i] + 11) % v;
        }
        try (NDManager m = NDManager.newBaseManager(); Decoder d = model(cfg, m, 9)) {
            float[] x = logits(d, batch(Packing.pack(docs, 16)));
            float[] y = logits(d, batch(Packing.pack(changed, 16)));
            assertTrue(maxDiff(x, 0, y, 0, 8 * v) > 1e-2f, "document 1 itself changed");
            assertEquals(0f, maxDiff(x, 8 * v, y, 8 * v, 7 * v), 1e-6f, "document 2 must not see document 1");
            // control: without document ids the second half does see the first
            float[] px = logits(d, TokenBatch.of(List.of(Packing.concat(docs).ids()), List.of(new float[16]), 0));
            float[] py = logits(d, TokenBatch.of(List.of(Packing.concat(changed).ids()), List.of(new float[16]), 0));
            assertTrue(maxDiff(px, 8 * v, py, 8 * v, 7 * v) > 1e-2f, "the control must be able to fail");
        }
    }

    @Test
    void firstFitKeepsDataOrderNeverSplitsAndRefusesOverlongRows() {
        List<TokenRow> d = docs(256, 1, 10, 4, 7, 3, 12, 2);
        List<TokenRow> p = Packing.pack(d, 12);
        // 10 -> row 0 (2 left); 4 -> row 1; 7 -> row 1 (1 left); 3 -> row 2; 12 -> row 3; 2 -> row 0
        assertEquals(List.of(12, 11, 3, 12), p.stream().map(TokenRow::length).toList());
        assertArrayEquals(d.get(5).ids(), Arrays.copyOfRange(p.get(0).ids(), 10, 12));
        assertEquals(2, p.get(0).documents());
        assertEquals(1, p.get(3).documents());
        assertEquals(d.stream().mapToInt(TokenRow::length).sum(), p.stream().mapToInt(TokenRow::length).sum());
        assertThrows(IllegalArgumentException.class, () -> Packing.pack(d, 11));
        assertEquals(List.of(), Packing.pack(List.of(), 12));
    }

    /** Padding of the charworld corpus per real token, batches of 16: plain shuffled rows vs packed rows. */
    @Test
    void packingRemovesMostPaddingOnTheCorpus() {
        List<Conversation> corpus = new ArrayList<>();
        new org.charlab.world.CorpusGenerator(WorldConfig.defaults().withExamples(2000)).corpus()
                .forEach(e -> corpus.add(e.conversation()));
        List<TokenRow> rows = ChatRows.of(corpus, TrainerTest.CHAT, LossOn.ASSISTANT, 512).rows();
        List<TokenRow> packed = Packing.pack(rows, 512);
        double real = rows.stream().mapToInt(TokenRow::length).sum();
        double plain = TrainerTest.padded(new DataOrder(rows.size(), 1, 16, 0, i -> rows.get(i).length()), rows);
        double tight = TrainerTest.padded(new DataOrder(packed.size(), 1, 16, 0, i -> packed.get(i).length()), packed);
        System.out.printf("padded tokens per real token, batch 16: shuffled %.3f, packed (512) %.3f; %d rows -> %d%n",
                plain / real, tight / real, rows.size(), packed.size());
        assertTrue(tight < real * 1.15, "packed rows are nearly full: " + tight / real);
        assertTrue(tight < plain * 0.8, plain + " vs " + tight);
    }

    /** The trainer runs on packed rows; tokens and tokens/s count real tokens, not padding. */
    @Test
    void trainerTrainsOnPackedRows(@TempDir Path dir) throws Exception {
        List<TokenRow> rows = TrainerTest.rows(LossOn.ASSISTANT);
        List<TokenRow> packed = Packing.pack(rows, 512);
        assertTrue(packed.size() < rows.size() / 2, rows.size() + " -> " + packed.size());
        TrainConfig cfg = TrainerTest.cfg(4).withSteps(4, 2); // the stage packs; the trainer just sees rows
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 11)) {
            new Trainer<>(cfg, 3e-3, new SftObjective(), d, TrainerTest.TOK, dir, 42, Progress.SILENT).train(packed);
        }
        List<JsonNode> ms = TrainerTest.metrics(dir);
        assertEquals(4, ms.size());
        for (JsonNode l : ms) {
            assertTrue(Double.isFinite(l.get("loss").asDouble()));
            assertTrue(l.get("tokens").asLong() > 0);
        }
        assertTrue(ms.get(3).get("loss").asDouble() < ms.get(0).get("loss").asDouble(), "loss falls");
    }
}
