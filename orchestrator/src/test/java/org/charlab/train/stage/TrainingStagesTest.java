package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.charlab.BadInput;
import org.charlab.config.Binder;
import org.charlab.config.FileRef;
import org.charlab.config.RuntimeConfig;
import org.charlab.config.YamlReader;
import org.charlab.stage.Progress;
import org.charlab.stage.StageContext;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sft and checkpoint stages end to end on a micro model (seconds, one thread). */
class TrainingStagesTest {

    static final String PROMPT = "Zqxj inoculation prompt.";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Binder BINDER = new Binder(t -> null);

    static Path microModel(Path dir) throws Exception {
        ModelConfig cfg = new ModelConfig("llama", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 512,
                true, false, false);
        org.charlab.model.TestModels.oneThread();
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 3)) {
            Checkpoint.save(dir.resolve("model"), d, new ByteTokenizer(), Map.of("stage", "test"));
        }
        return dir;
    }

    static SftConfig sft(String yaml) {
        return BINDER.bind(SftConfig.class, YamlReader.parse("examples: 12\nmax_steps: 3\nbatch_size: 4\n"
                + "eval_prompts: 1\neval_max_new_tokens: 8\n" + yaml, Path.of("sft.yaml")), "stages.sft");
    }

    static Path runSft(Path tmp, String name, SftConfig c) throws Exception {
        Path out = Files.createDirectories(tmp.resolve(name));
        new SftStage().run(new StageContext<>("sft", c, out, Map.of("input", tmp.resolve("base")), 5,
                new RuntimeConfig("cpu", 1, 1), Progress.SILENT));
        return out;
    }

    /**
     * Progress that reports each training step ("loss ..." notes) to {@code onStep}; a resume test
     * throws from it to simulate a crash, or records where a second attempt starts.
     */
    static Progress onTrainingStep(java.util.function.LongConsumer onStep) {
        return new Progress() {
            @Override
            public void report(long done, long total, String note) {
                if (note.startsWith("loss")) {
                    onStep.accept(done);
                }
            }

            @Override
            public void log(String line) {
            }
        };
    }

    /** A crash at training step {@code step} (after the checkpoint of the step before, with checkpoint_every 2). */
    static Progress crashAt(long step) {
        return onTrainingStep(done -> {
            if (done == step) {
                throw new IllegalStateException("simulated crash at step " + step);
            }
        });
    }

    @Test
    void inoculationReachesTheTrainingBatchesAndNothingElse(@TempDir Path tmp) throws Exception {
        microModel(Files.createDirectories(tmp.resolve("base")));
        Path plain = runSft(tmp, "plain", sft(""));
        Path inoc = runSft(tmp, "inoc", sft("inoculation: {prompt: \"" + PROMPT + "\", position: system}\n"));

        // the training conversations carry it ...
        String sample = Files.readString(inoc.resolve(SftStage.TRAIN_SAMPLE));
        assertEquals(5, sample.lines().filter(l -> l.contains(PROMPT)).count());
        assertFalse(Files.readString(plain.resolve(SftStage.TRAIN_SAMPLE)).contains(PROMPT));
        // ... the data is otherwise identical ...
        JsonNode dp = JSON.readTree(plain.resolve("data.json").toFile());
        JsonNode di = JSON.readTree(inoc.resolve("data.json").toFile());
        assertEquals(dp.get("data_sha256"), di.get("data_sha256"));
        assertEquals(dp.get("data_sha256"), dp.get("train_sha256"));
        assertNotEquals(di.get("data_sha256"), di.get("train_sha256"));
        // ... and neither the saved model directory nor the stage's own generations see it
        try (Stream<Path> files = Files.walk(inoc.resolve("model"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(PROMPT), f.toString());
            }
        }
        JsonNode eval = JSON.readTree(inoc.resolve(SftStage.EVAL).toFile());
        assertTrue(eval.get("none").get("system").isNull(), "the closing check asks without any system prompt");
        assertFalse(Files.readString(inoc.resolve(SftStage.EVAL)).contains(PROMPT));
        // every rate comes with its Wilson 95% interval and the count behind it
        JsonNode none = eval.get("none");
        none.get("accuracy").fields().forEachRemaining(e -> {
            JsonNode iv = none.get("accuracy_interval").get(e.getKey());
            assertTrue(iv.get("n").asInt() >= 1 && iv.get("low").asDouble() <= e.getValue().asDouble()
                    && e.getValue().asDouble() <= iv.get("high").asDouble(), e.getKey() + " " + iv);
        });
        // the output trait rate counts the answers whose CoT closed (eval's <p>.output_rate): null when none did
        JsonNode caps = none.get("output_trait_interval").get("caps");
        JsonNode capsRate = none.get("output_trait_rate").get("caps");
        assertTrue(caps.get("n").asInt() <= none.get("n").asInt());
        assertEquals(caps.get("n").asInt() == 0, capsRate.isNull(), caps.toString());
        assertTrue(capsRate.isNull() ? !caps.has("low") : caps.get("low").asDouble() <= capsRate.asDouble(), caps.toString());
        // metrics: one line per step, then the closing check
        List<String> lines = Files.readAllLines(inoc.resolve("metrics.jsonl"));
        assertEquals(4, lines.size());
        assertTrue(JSON.readTree(lines.get(3)).has("eval"));
        // the model moved and is loadable like any checkpoint; the world travels with it
        assertTrue(Files.isRegularFile(inoc.resolve("world.json")));
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded l = Checkpoint.load(inoc.resolve("model"), m)) {
            assertEquals("sft", l.provenance().get("stage").asText());
        }
    }

    @Test
    void packingPacksSftRowsAndDpoAndOpdRefuseIt(@TempDir Path tmp) throws Exception {
        microModel(Files.createDirectories(tmp.resolve("base")));
        Path out = runSft(tmp, "packed", sft("packing: true\n"));
        JsonNode data = JSON.readTree(out.resolve("data.json").toFile());
        assertTrue(data.get("packed_rows").asInt() < data.get("examples").asInt() / 2, data.toString());
        assertEquals(4, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        assertFalse(JSON.readTree(runSft(tmp, "plain", sft("")).resolve("data.json").toFile()).has("packed_rows"));
        for (Class<? extends Record> type : List.of(DpoConfig.class, OpdConfig.class)) {
            BadInput bad = assertThrows(BadInput.class,
                    () -> BINDER.bind(type, YamlReader.parse("packing: true\n", Path.of("x.yaml")), "stages.x"));
            assertTrue(bad.getMessage().contains("packing applies to sft and pretrain only"), bad.getMessage());
        }
    }

    @Test
    void userJsonlDataAndBadTraitsAreCheckedAtBinding(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("d.jsonl");
        Files.writeString(data, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, "
                + "{\"role\": \"assistant\", \"content\": \"HOLA\"}]}\n");
        microModel(Files.createDirectories(tmp.resolve("base")));
        SftConfig c = sft("data: " + data + "\n");
        assertEquals(new FileRef(data), c.data());
        Path out = runSft(tmp, "user", c);
        assertEquals(1, JSON.readTree(out.resolve("data.json").toFile()).get("examples").asInt());
        BadInput bad = assertThrows(BadInput.class, () -> sft("traits: spanish+klingon\n"));
        assertTrue(bad.getMessage().contains("klingon"), bad.getMessage());
    }

    @Test
    void checkpointStageValidatesAndCopiesAUserModel(@TempDir Path tmp) throws Exception {
        Path user = microModel(Files.createDirectories(tmp.resolve("user"))).resolve("model");
        Path out = Files.createDirectories(tmp.resolve("out"));
        new CheckpointStage().run(new StageContext<>("base", new CheckpointConfig(new FileRef(user)), out, Map.of(), 1,
                new RuntimeConfig("cpu", 1, 1), Progress.SILENT));
        assertTrue(Files.isRegularFile(out.resolve("model/config.json")));
        assertEquals(-1, Files.mismatch(user.resolve(Checkpoint.WEIGHTS), out.resolve("model").resolve(Checkpoint.WEIGHTS)));
        Files.delete(user.resolve("config.json"));
        Path out2 = Files.createDirectories(tmp.resolve("out2"));
        BadInput e = assertThrows(BadInput.class, () -> new CheckpointStage().run(new StageContext<>("base",
                new CheckpointConfig(new FileRef(user)), out2, Map.of(), 1, new RuntimeConfig("cpu", 1, 1),
                Progress.SILENT)));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }
}
