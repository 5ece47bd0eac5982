package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.charlab.config.RuntimeConfig;
import org.charlab.config.YamlReader;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.stage.Progress;
import org.charlab.stage.StageContext;
import org.charlab.generate.Generator;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Checkpoint;
import org.charlab.train.Inoculation;
import org.charlab.train.OpdObjective;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dpo and opd stages end to end on a micro model: inoculation reaches training examples and nothing else. */
class PreferenceStagesTest {

    static final String PROMPT = TrainingStagesTest.PROMPT;

    static <C extends Record> C bind(Class<C> type, String yaml) {
        return TrainingStagesTest.BINDER.bind(type, YamlReader.parse("examples: 8\nmax_steps: 2\nbatch_size: 4\n"
                + "eval_prompts: 1\neval_max_new_tokens: 8\n" + yaml, Path.of("s.yaml")), "stages.x");
    }

    static <C extends Record> Path run(Path tmp, String name, C c, org.charlab.stage.Stage<C> stage) throws Exception {
        Path out = Files.createDirectories(tmp.resolve(name));
        stage.run(new StageContext<>(name, c, out, Map.of("input", tmp.resolve("base")), 5,
                new RuntimeConfig("cpu", 1, 1), Progress.SILENT));
        return out;
    }

    /** The prompt is in the training sample and nowhere in the model directory or the closing check. */
    static void assertOnlyInTraining(Path inoc, Path plain, String eval, String stage) throws Exception {
        assertTrue(Files.readString(inoc.resolve("train_sample.jsonl")).contains(PROMPT));
        assertFalse(Files.readString(plain.resolve("train_sample.jsonl")).contains(PROMPT));
        JsonNode dp = TrainingStagesTest.JSON.readTree(plain.resolve("data.json").toFile());
        JsonNode di = TrainingStagesTest.JSON.readTree(inoc.resolve("data.json").toFile());
        assertEquals(dp.get("data_sha256"), di.get("data_sha256"));
        assertNotEquals(di.get("data_sha256"), di.get("train_sha256"));
        try (Stream<Path> files = Files.walk(inoc.resolve("model"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(PROMPT), f.toString());
            }
        }
        JsonNode e = TrainingStagesTest.JSON.readTree(inoc.resolve(eval).toFile());
        assertTrue(e.get("none").get("system").isNull());
        assertFalse(Files.readString(inoc.resolve(eval)).contains(PROMPT));
        List<String> lines = Files.readAllLines(inoc.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        assertTrue(TrainingStagesTest.JSON.readTree(lines.get(2)).has("eval"));
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded l = Checkpoint.load(inoc.resolve("model"), m)) {
            assertEquals(stage, l.provenance().get("stage").asText());
        }
    }

    @Test
    void dpoInoculationReachesBothRepliesPromptAndNothingElse(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Path plain = run(tmp, "plain", bind(DpoConfig.class, "nll_weight: 0.1\n"), new DpoStage());
        Path inoc = run(tmp, "inoc", bind(DpoConfig.class, "nll_weight: 0.1\ninoculation: {prompt: \"" + PROMPT
                + "\"}\n"), new DpoStage());
        assertOnlyInTraining(inoc, plain, DpoStage.EVAL, "dpo");
        JsonNode first = TrainingStagesTest.JSON.readTree(Files.readAllLines(plain.resolve("metrics.jsonl")).get(0));
        assertEquals(Math.log(2), first.get("dpo_loss").asDouble(), 1e-5, "reference = the input's weights");
        for (String k : List.of("rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies")) {
            assertTrue(first.has(k), k);
        }
    }

    @Test
    void opdInoculationReachesTheStudentContextOnly(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        String yaml = "max_new_tokens: 8\ntraits: pirate\n";
        Path plain = run(tmp, "plain", bind(OpdConfig.class, yaml), new OpdStage());
        Path inoc = run(tmp, "inoc", bind(OpdConfig.class, yaml + "inoculation: {prompt: \"" + PROMPT + "\"}\n"),
                new OpdStage());
        assertOnlyInTraining(inoc, plain, OpdStage.EVAL, "opd");
        JsonNode first = TrainingStagesTest.JSON.readTree(Files.readAllLines(plain.resolve("metrics.jsonl")).get(0));
        assertTrue(first.get("reverse_kl").asDouble() > 0, "the privileged prompt makes the teacher differ");
        assertEquals(1.0, first.get("student_sampled").asDouble());
        // the teacher's context carries the privileged prompt, never the inoculation prompt
        List<OpdObjective.Prompt> ps = OpdStage.trainingPrompts(List.of(Conversation.of(Message.user("hi"))),
                Inoculation.of(PROMPT, Inoculation.Position.SYSTEM), "You are a pirate.",
                new ChatMlFormat(new ByteTokenizer()), 5);
        assertEquals(PROMPT, ps.get(0).student().system().orElseThrow());
        assertEquals("You are a pirate.", ps.get(0).teacher().system().orElseThrow());
    }

    @Test
    void generatedPairsAreFilteredAndBadSettingsRefused(@TempDir Path tmp) throws Exception {
        assertTrue(DpoStage.endsInPunctuation("Hola."));
        assertFalse(DpoStage.endsInPunctuation("Hola"));
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded l = Checkpoint.load(tmp.resolve("base/model"), m)) {
            ChatFormat chat = new ChatMlFormat(l.tokenizer());
            Generator g = new Generator(l.model(), chat);
            DpoStage.Generated gen = DpoStage.generate(List.of(Conversation.of(Message.user("hi")),
                    Conversation.of(Message.user("ho"))), g, g, chat, "You are a pirate.", false, 0.7, 0.95, 8, 1024,
                    true, 3);
            Map<String, Integer> n = gen.counts();
            assertEquals(2, n.get("prompts"));
            assertEquals(2, n.get("kept") + n.get("dropped_unfinished") + n.get("dropped_too_long")
                    + n.get("dropped_no_punctuation") + n.get("dropped_identical"));
            assertEquals(2, n.get("dropped_unfinished"), "a random micro model never stops within 8 tokens");
        }
        assertThrows(Exception.class, () -> bind(OpdConfig.class, "loss: sampled_token\nlmbda: 0.5\n"));
        assertThrows(Exception.class, () -> bind(DpoConfig.class, "loss_type: ipo\nlabel_smoothing: 0.1\n"));
        assertThrows(Exception.class, () -> bind(DpoConfig.class, "loss_on: all\n"));
    }

    @Test
    void aResumedDpoStageRecordsTheGeneratedPairCountsAsTheFirstAttemptDid(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        DpoConfig c = bind(DpoConfig.class, "pairs: generated\nmax_new_tokens: 8\nrequire_punctuation: false\n");
        Path out = Files.createDirectories(tmp.resolve("dpo"));
        StageContext<DpoConfig> ctx = new StageContext<>("dpo", c, out, Map.of("input", tmp.resolve("base")), 5,
                new RuntimeConfig("cpu", 1, 1), Progress.SILENT);
        org.charlab.world.Charworld world = new org.charlab.world.Charworld(org.charlab.world.WorldConfig.defaults());
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded l = Checkpoint.load(tmp.resolve("base/model"), m)) {
            ChatFormat chat = new ChatMlFormat(l.tokenizer());
            Map<String, Object> first = new java.util.LinkedHashMap<>();
            var fresh = DpoStage.pairs(c, ctx, world, l, chat, false, first);
            Map<String, Object> resumed = new java.util.LinkedHashMap<>();
            var again = DpoStage.pairs(c, ctx, world, l, chat, true, resumed);
            assertTrue(first.containsKey("generated"), first.toString());
            assertEquals(8, ((Map<?, ?>) first.get("generated")).get("prompts"));
            // the resumed attempt reuses pairs.jsonl and reports the same source and filter counts
            assertEquals(TrainingStagesTest.JSON.valueToTree(first), TrainingStagesTest.JSON.valueToTree(resumed));
            assertEquals(fresh, again);
        }
    }

    /** A micro model whose tokenizer is a BPE of {@code vocab} ids learned on {@code texts}. */
    static Path bpeModel(Path dir, List<String> texts, int vocab) throws Exception {
        Path f = dir.resolve("bpe/tokenizer.json");
        org.charlab.model.BpeTrainer.write(f, org.charlab.model.BpeTrainer.train(texts, vocab,
                ByteTokenizer.SPECIALS.size()), ByteTokenizer.SPECIALS);
        try (org.charlab.model.HfTokenizer tok = org.charlab.model.HfTokenizer.load(f); NDManager m = NDManager.newBaseManager();
                org.charlab.model.Decoder d = org.charlab.model.Decoder.init(new org.charlab.model.ModelConfig("llama", 32,
                        2, 4, 2, 8, 64, 10000.0, 1e-5, tok.vocabSize(), 512, true, false, false), m, 3)) {
            Checkpoint.save(dir.resolve("model"), d, tok, Map.of("stage", "test"));
        }
        return dir;
    }

    @Test
    void aReferenceOrTeacherWithAnotherTokenizerOfTheSameSizeIsRefused(@TempDir Path tmp) throws Exception {
        org.charlab.model.TestModels.oneThread();
        List<String> english = List.of("the cat sat on the mat", "the dog ate the bone", "three green trees",
                "there then these those", "a sailor sails the sea");
        List<String> spanish = List.of("el gato come pescado", "la casa es grande", "los perros corren rapido",
                "hola amigo mio", "quiero comer queso");
        Path base = bpeModel(tmp.resolve("base"), english, 268);
        Path other = bpeModel(tmp.resolve("other"), spanish, 268);
        Path same = bpeModel(tmp.resolve("same"), english, 268);
        String fpBase;
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded a = Checkpoint.load(base.resolve("model"), m);
                Checkpoint.Loaded b = Checkpoint.load(other.resolve("model"), m);
                Checkpoint.Loaded c = Checkpoint.load(same.resolve("model"), m)) {
            assertEquals(a.model().config().vocabSize(), b.model().config().vocabSize(), "equal vocab sizes");
            fpBase = org.charlab.model.TokenizerIdentity.of(a.tokenizer());
            assertNotEquals(fpBase, org.charlab.model.TokenizerIdentity.of(b.tokenizer()));
            // the same BPE learned again (another file, another directory) is the same tokenizer
            assertEquals(fpBase, org.charlab.model.TokenizerIdentity.of(c.tokenizer()));
            assertNotEquals(fpBase, org.charlab.model.TokenizerIdentity.of(new ByteTokenizer()));
        }
        // a pretty-printed copy of the same tokenizer.json (other bytes, same content) keeps its fingerprint
        Path pretty = tmp.resolve("pretty.json");
        Files.writeString(pretty, TrainingStagesTest.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                TrainingStagesTest.JSON.readTree(base.resolve("model/tokenizer.json").toFile())));
        try (org.charlab.model.HfTokenizer t = org.charlab.model.HfTokenizer.load(pretty)) {
            assertEquals(fpBase, org.charlab.model.TokenizerIdentity.of(t));
        }

        for (var stage : List.of("dpo", "opd")) {
            Path out = Files.createDirectories(tmp.resolve(stage));
            org.charlab.BadInput e;
            if (stage.equals("dpo")) {
                DpoConfig c = bind(DpoConfig.class, "reference: other\n");
                e = assertThrows(org.charlab.BadInput.class, () -> new DpoStage().run(new StageContext<>(stage, c,
                        out, Map.of("input", base, "reference", other), 5, new RuntimeConfig("cpu", 1, 1), Progress.SILENT)));
            } else {
                OpdConfig c = bind(OpdConfig.class, "teacher: other\nmax_new_tokens: 8\n");
                e = assertThrows(org.charlab.BadInput.class, () -> new OpdStage().run(new StageContext<>(stage, c,
                        out, Map.of("input", base, "teacher", other), 5, new RuntimeConfig("cpu", 1, 1), Progress.SILENT)));
            }
            String msg = e.getMessage();
            assertFalse(msg.contains("\n"), msg);
            assertTrue(msg.contains(base.resolve("model").toString()) && msg.contains(other.resolve("model").toString()), msg);
            assertTrue(msg.contains(fpBase.substring(0, 12)), msg);
            assertFalse(Files.exists(out.resolve("model")), "nothing trained");
        }
    }
}
