package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.ConfigWriter;
import org.charlab.config.RuntimeConfig;
import org.charlab.config.YamlReader;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.LoraAdapters;
import org.charlab.model.SafeTensors;
import org.charlab.stage.Progress;
import org.charlab.stage.Stage;
import org.charlab.stage.StageContext;
import org.charlab.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA through the sft and dpo stages: what is written, what later stages load, what the base keeps, config. */
class LoraStagesTest {

    static final long[] IDS = {3, 70, 71, 72, 101, 9, 44, 250, 12, 13, 14, 15};

    static Path run(Path tmp, String name, Path input, SftConfig c) throws Exception {
        Path out = Files.createDirectories(tmp.resolve(name));
        new SftStage().run(new StageContext<>(name, c, out, Map.of("input", input), 5, new RuntimeConfig("cpu", 1, 1),
                Progress.SILENT));
        return out;
    }

    static float[] logits(Decoder d) {
        try (NDManager step = d.manager().newSubManager()) {
            return d.logits(step.create(IDS, new Shape(2, 6))).toFloatArray();
        }
    }

    static float[] logitsOf(Path modelDir) {
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded l = Checkpoint.load(modelDir, m)) {
            return logits(l.model());
        }
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static final String LORA = "learning_rate: 0.01\nlora: {r: 4, alpha: 8, target_modules: all-linear}\n";

    @Test
    void loraSftWritesPeftAdapterAndAStackThatLoadsAsBasePlusAdapter(@TempDir Path tmp) throws Exception {
        Path base = TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        byte[] baseWeights = Files.readAllBytes(base.resolve("model").resolve(Checkpoint.WEIGHTS));
        Path out = run(tmp, "lora", base, TrainingStagesTest.sft(LORA));

        // the base on disk is untouched and not copied
        assertArrayEquals(baseWeights, Files.readAllBytes(base.resolve("model").resolve(Checkpoint.WEIGHTS)));
        assertFalse(Files.exists(out.resolve("model").resolve(Checkpoint.WEIGHTS)));
        assertTrue(Files.isRegularFile(out.resolve("adapter").resolve(LoraAdapters.CONFIG)));
        Checkpoint.Stack st = Checkpoint.stackOf(out.resolve("model"));
        assertEquals(base.resolve("model").toAbsolutePath().normalize(), st.base().toAbsolutePath().normalize());
        assertEquals(List.of(out.resolve("adapter").toAbsolutePath().normalize()),
                st.adapters().stream().map(p -> p.toAbsolutePath().normalize()).toList());
        // trained: B moved off zero, so the loaded model differs from the base
        float[] b = logitsOf(base.resolve("model"));
        float[] l = logitsOf(out.resolve("model"));
        assertTrue(maxDiff(b, l) > 1e-4, "the adapter changes the model");
        // the count: r (in + out) over all seven projections of 2 layers (D=32, H*hd=32, KV*hd=16, I=64), r=4
        long perLayer = 4L * ((32 + 32) + (32 + 16) + (32 + 16) + (32 + 32) + (32 + 64) + (32 + 64) + (64 + 32));
        JsonNode facts = TrainingStagesTest.JSON.readTree(out.resolve(Stage.FACTS).toFile());
        assertEquals(2 * perLayer, facts.get("trainable_parameters").asLong());
        // the training checkpoint held the adapters and AdamW moments for them only (no base copy)
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = SafeTensors.read(out.resolve("adapter").resolve(LoraAdapters.WEIGHTS), m);
            assertEquals(2 * 7 * 2, a.size());
        }
        assertFalse(Files.exists(out.resolve(Trainer.CHECKPOINT)), "finished: checkpoint deleted");
    }

    @Test
    void aChainedLoraStageTrainsOnBasePlusTheFirstAdapter(@TempDir Path tmp) throws Exception {
        Path base = TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Path first = run(tmp, "first", base, TrainingStagesTest.sft(LORA));
        Path second = run(tmp, "second", first, TrainingStagesTest.sft(LORA));
        Checkpoint.Stack st = Checkpoint.stackOf(second.resolve("model"));
        assertEquals(base.resolve("model").toAbsolutePath().normalize(), st.base().toAbsolutePath().normalize());
        assertEquals(2, st.adapters().size(), "the chain stacks both adapters on the one base");
        // loading = base + adapter 1 + adapter 2; without adapter 1 it would differ
        float[] chained = logitsOf(second.resolve("model"));
        float[] firstOnly = logitsOf(first.resolve("model"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = SafeTensors.readModel(base.resolve("model"), m);
            LoraAdapters.mergeInto(w, second.resolve("adapter"));
            try (Decoder d = Decoder.fromWeights(Checkpoint.load(base.resolve("model"), m).model().config(), m, w,
                    "t")) {
                assertTrue(maxDiff(chained, logits(d)) > 1e-4, "adapter 2 alone is not the chain");
            }
        }
        assertTrue(maxDiff(chained, firstOnly) > 1e-4);
        // stage 2's step 0 saw base + adapter 1: its first loss is stage 1's loss after training, not the base's
        double firstStart = firstLoss(first);
        double secondStart = firstLoss(second);
        assertTrue(secondStart < firstStart, "stage 2 starts where stage 1 ended: " + secondStart + " vs " + firstStart);
    }

    static double firstLoss(Path out) throws Exception {
        return TrainingStagesTest.JSON.readTree(Files.readAllLines(out.resolve(Trainer.METRICS)).get(0)).get("loss")
                .asDouble();
    }

    @Test
    void writeMergedWritesAPlainModelEqualToBasePlusAdapter(@TempDir Path tmp) throws Exception {
        Path base = TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Path stacked = run(tmp, "stacked", base, TrainingStagesTest.sft(LORA));
        Path merged = run(tmp, "merged", base, TrainingStagesTest.sft(LORA.replace("}", ", write_merged: true}")));
        assertTrue(Files.isRegularFile(merged.resolve("model").resolve(Checkpoint.WEIGHTS)));
        assertTrue(Checkpoint.stackOf(merged.resolve("model")).adapters().isEmpty());
        assertTrue(maxDiff(logitsOf(stacked.resolve("model")), logitsOf(merged.resolve("model"))) < 1e-5);
    }

    @Test
    void loraDpoReferenceIsTheBaseWithAdaptersOff(@TempDir Path tmp) throws Exception {
        Path base = TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Path out = PreferenceStagesTest.run(tmp, "dpo", PreferenceStagesTest.bind(DpoConfig.class,
                "lora: {r: 4}\nlearning_rate: 0.01\n"), new DpoStage());
        JsonNode first = TrainingStagesTest.JSON.readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
        assertEquals(Math.log(2), first.get("dpo_loss").asDouble(), 1e-6, "step 0: policy = reference = base");
        JsonNode last = null;
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = TrainingStagesTest.JSON.readTree(line);
            last = n.has("dpo_loss") ? n : last;
        }
        assertTrue(last.get("dpo_loss").asDouble() < Math.log(2), "the reference stays the base while B trains");
        assertEquals(2 * 4L * ((32 + 32) + (32 + 16)),
                TrainingStagesTest.JSON.readTree(out.resolve(Stage.FACTS).toFile()).get("trainable_parameters").asLong());
        assertTrue(Checkpoint.stackOf(out.resolve("model")).adapters().size() == 1);
    }

    @Test
    void loraOpdSelfTeacherIsTheBaseWithThePrivilegedPrompt(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Path out = PreferenceStagesTest.run(tmp, "opd", PreferenceStagesTest.bind(OpdConfig.class,
                "max_new_tokens: 8\ntraits: pirate\nlora: {dropout: 0.1}\n"), new OpdStage());
        JsonNode first = TrainingStagesTest.JSON.readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
        assertTrue(first.get("reverse_kl").asDouble() > 0, "the teacher's context differs, its weights are the base");
        assertEquals(2 * 8L * ((32 + 32) + (32 + 16)),
                TrainingStagesTest.JSON.readTree(out.resolve(Stage.FACTS).toFile()).get("trainable_parameters").asLong());
        assertEquals(1, Checkpoint.stackOf(out.resolve("model")).adapters().size());
    }

    @Test
    void loraYamlDefaultsArePeftsAndABadModuleIsRefusedInOneLine() {
        SftConfig plain = TrainingStagesTest.sft("");
        @SuppressWarnings("unchecked")
        Map<String, Object> keyed = (Map<String, Object>) ConfigWriter.toPlain(plain);
        assertFalse(keyed.containsKey("lora"), "unset lora stays out of the stage key");
        SftConfig d = TrainingStagesTest.sft("lora: {}\n");
        LoraConfig l = d.shared().lora();
        assertEquals(8, l.r());
        assertEquals(8.0, l.alpha());
        assertEquals(0.0, l.dropout());
        assertEquals(List.of("q_proj", "v_proj"), l.targets());
        @SuppressWarnings("unchecked")
        Map<String, Object> withLora = (Map<String, Object>) ConfigWriter.toPlain(d);
        assertTrue(withLora.containsKey("lora"));
        BadInput e = assertThrows(BadInput.class, () -> TrainingStagesTest.BINDER.bind(SftConfig.class,
                YamlReader.parse("lora: {target_modules: [q_proj, qproj]}\n", Path.of("x.yaml")), "stages.sft"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("'qproj'") && e.getMessage().contains("stages.sft")
                && e.getMessage().contains("q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, all-linear"),
                e.getMessage());
    }
}
