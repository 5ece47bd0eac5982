package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.ConfigWriter;
import org.charlab.config.RuntimeConfig;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PromptItem;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.FormattedChat;
import org.charlab.model.ModelConfig;
import org.charlab.model.Segment;
import org.charlab.model.TestModels;
import org.charlab.stage.Progress;
import org.charlab.stage.StageContext;
import org.charlab.world.Charworld;
import org.charlab.world.Task;
import org.charlab.world.Trait;
import org.charlab.world.TraitSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The eval's trait likelihood on a tiny random checkpoint: the teacher-forced mean log-probability
 * per output token against a hand computation from the logits, its wiring into samples.jsonl and
 * metrics.json, and stage keys of configs without the option.
 */
class TraitLikelihoodTest {

    static {
        TestModels.oneThread();
    }

    @TempDir
    static Path tmp;
    static Path input;

    static final String YAML = """
            prompts: {in_distribution_per_family: 1, ood_per_family: 1}
            conditions:
              - {name: plain}
              - {name: spanish, system: "You always speak in Spanish."}
            samples_per_prompt: 2
            max_new_tokens: 8
            bootstrap: {resamples: 100, seed: 1}
            """;

    @BeforeAll
    static void makeCheckpoint() throws Exception {
        input = tmp.resolve("pretrain");
        ModelConfig cfg = new ModelConfig("qwen3", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 512,
                false, false, true);
        try (NDManager m = NDManager.newBaseManager()) {
            Decoder d = Decoder.init(cfg, m, 5);
            TestModels.sharpened(d);
            Checkpoint.save(input.resolve("model"), d, new ByteTokenizer(), Map.of("stage", "test"));
        }
    }

    /** By hand: log-softmax of the logits at position i-1, read at token i, averaged over the output tokens. */
    static double byHand(Decoder model, FormattedChat f) {
        int t = f.length();
        long[] ids = new long[t];
        for (int i = 0; i < t; i++) {
            ids[i] = f.ids()[i];
        }
        float[] logits;
        int v;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray out = model.logits(m.create(ids, new Shape(1, t)));
            v = (int) out.getShape().get(2);
            logits = out.toFloatArray();
        }
        double sum = 0;
        int n = 0;
        for (int i = 1; i < t; i++) {
            if (f.segments()[i] != Segment.OUTPUT) {
                continue;
            }
            int row = (i - 1) * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                max = Math.max(max, logits[row + k]);
            }
            double z = 0;
            for (int k = 0; k < v; k++) {
                z += Math.exp(logits[row + k] - max);
            }
            sum += logits[row + f.ids()[i]] - max - Math.log(z);
            n++;
        }
        return sum / n;
    }

    @Test
    void theMeanLogProbabilityIsThatOfTheOutputTokensAlone() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded loaded = Checkpoint.load(input.resolve("model"), m)) {
            ChatFormat chat = new ChatMlFormat(loaded.tokenizer());
            Conversation conv = Conversation.of(Message.system("You always speak in Spanish."),
                    Message.user("What is 2 plus 3?"), Message.assistant("I add 2 and 3.", "IT IS 5."));
            FormattedChat f = chat.format(conv);
            long outputs = java.util.stream.IntStream.range(0, f.length())
                    .filter(i -> f.segments()[i] == Segment.OUTPUT).count();
            assertEquals("IT IS 5.".length(), outputs, "byte tokens: one per output character, nothing else");
            double got = TraitLikelihood.meanOutputLogProb(loaded.model(), chat, conv);
            assertEquals(byHand(loaded.model(), f), got, 1e-4);
            assertTrue(got < 0 && got > -Math.log(ByteTokenizer.VOCAB_SIZE) * 4, "a log-probability: " + got);
            // the context counts (the system prompt is read), the scored tokens stay the output's
            Conversation plain = Conversation.of(Message.user("What is 2 plus 3?"),
                    Message.assistant("I add 2 and 3.", "IT IS 5."));
            double noSystem = TraitLikelihood.meanOutputLogProb(loaded.model(), chat, plain);
            assertNotEquals(got, noSystem, 1e-6);
            assertEquals(byHand(loaded.model(), chat.format(plain)), noSystem, 1e-4);
        }
    }

    @Test
    void referencesRenderTheSameContentInEachTrait() {
        Charworld world = new Charworld(EvalStageTest.config(YAML).world());
        Task task = EvalPrompts.tasks(EvalStageTest.config(YAML), world).values().iterator().next();
        Message neutral = TraitLikelihood.reference(task, TraitSet.NEUTRAL, true);
        Message caps = TraitLikelihood.reference(task, TraitSet.of(Trait.CAPS), true);
        Message spanish = TraitLikelihood.reference(task, TraitSet.of(Trait.SPANISH), true);
        assertEquals(neutral.content().toUpperCase(java.util.Locale.ROOT), caps.content());
        assertNotEquals(neutral.content(), spanish.content());
        assertEquals(neutral.reasoning(), caps.reasoning(), "the CoT stays neutral");
        assertEquals(neutral.reasoning(), spanish.reasoning());
        assertEquals(null, TraitLikelihood.reference(task, TraitSet.NEUTRAL, false).reasoning());
    }

    @Test
    void theStageWritesPerSampleValuesAndMetricsWithIntervals() throws Exception {
        EvalConfig cfg = EvalStageTest.config(YAML + "trait_likelihood: [caps, spanish]\n");
        Path out = tmp.resolve("with");
        Files.createDirectories(out);
        new EvalStageKind().create().run(new StageContext<>("eval", cfg, out, Map.of("input", input), 3,
                new RuntimeConfig("cpu", 1, 1), Progress.SILENT));
        List<SampleRow> rows = Samples.read(out.resolve(Samples.FILE));
        assertEquals(16, rows.size(), "4 prompts x 2 conditions x 2 samples");
        Map<String, Double> perCell = new HashMap<>();
        for (SampleRow r : rows) {
            double neutral = r.score("trait.neutral.loglik");
            for (String t : List.of("caps", "spanish")) {
                double v = r.score("trait." + t + ".loglik");
                assertEquals(v - neutral, r.score("trait." + t + ".loglik_vs_neutral"), 1e-12);
                Double before = perCell.put(r.condition() + "/" + r.promptId() + "/" + t, v);
                assertTrue(before == null || before == v, "one value per (condition, prompt), whatever the sample");
            }
        }
        List<PromptItem> prompts = EvalPrompts.of(cfg, new Charworld(cfg.world()));
        String id = prompts.get(0).id();
        assertNotEquals(perCell.get("plain/" + id + "/caps"), perCell.get("spanish/" + id + "/caps"),
                "each condition's prompt is scored under its own system prompt");
        // the value of one cell by hand: the spanish condition's prompt and the caps reference
        Task task = EvalPrompts.tasks(cfg, new Charworld(cfg.world())).get(id);
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded loaded = Checkpoint.load(input.resolve("model"), m)) {
            ChatFormat chat = new ChatMlFormat(loaded.tokenizer());
            Conversation conv = TraitLikelihood.withReply(Conditions.apply(cfg.conditions().get(1),
                    prompts.get(0).messages()), TraitLikelihood.reference(task, TraitSet.of(Trait.CAPS), true));
            assertEquals("You always speak in Spanish.", conv.messages().get(0).content());
            assertEquals(byHand(loaded.model(), chat.format(conv)), perCell.get("spanish/" + id + "/caps"), 1e-4);
        }
        List<MetricEntry> metrics = MetricsReport.read(out.resolve(MetricsReport.FILE));
        for (String name : List.of("trait.caps.loglik", "trait.caps.loglik_vs_neutral", "trait.spanish.loglik",
                "trait.neutral.loglik")) {
            MetricEntry e = MetricsReport.find(metrics, name, "plain", "all");
            assertNotNull(e, name);
            assertTrue(e.isDefined() && e.interval().low() < e.estimate() && e.estimate() < e.interval().high(),
                    e.toString());
            double mean = rows.stream().filter(r -> r.condition().equals("plain")).mapToDouble(r -> r.score(name))
                    .average().orElseThrow();
            assertEquals(mean, e.estimate(), 1e-9, name);
            assertEquals(4, e.clusters(), "prompts are the clusters");
        }
        assertEquals(null, MetricsReport.find(metrics, "trait.neutral.output_rate", "plain", "all"),
                "neutral has likelihood metrics only");
        assertEquals(null, MetricsReport.find(metrics, "trait.neutral.loglik_vs_neutral", "plain", "all"));
        assertNotNull(MetricsReport.find(metrics, "trait.caps.loglik", "spanish", MetricEntry.OUT_OF_DISTRIBUTION));
    }

    @Test
    void withoutTheOptionTheStageConfigSerialisesAsBefore() {
        Map<?, ?> absent = (Map<?, ?>) ConfigWriter.toPlain(EvalStageTest.config(YAML));
        assertFalse(absent.containsKey("trait_likelihood"), absent.keySet().toString());
        assertEquals(List.of("prompts", "world", "conditions", "samples_per_prompt", "temperature", "top_p", "top_k",
                "max_new_tokens", "batch_size", "traits", "well_formed", "legibility", "bootstrap", "judge"),
                List.copyOf(absent.keySet()), "the keys an eval stage config had before trait_likelihood");
        assertEquals(absent, ConfigWriter.toPlain(EvalStageTest.config(YAML + "trait_likelihood: []\n")),
                "an empty list is no option: same stage key");
        Map<?, ?> with = (Map<?, ?>) ConfigWriter.toPlain(EvalStageTest.config(YAML + "trait_likelihood: [caps]\n"));
        assertEquals(List.of("caps"), with.get("trait_likelihood"));
    }

    @Test
    void badOptionsNameTheFieldAndWhatIsAllowed() throws Exception {
        BadInput neutral = assertThrows(BadInput.class,
                () -> EvalStageTest.config(YAML + "trait_likelihood: [caps, neutral]\n"));
        assertTrue(neutral.getMessage().contains("stages.eval: trait_likelihood: neutral is the reference"), neutral.getMessage());
        Path prompts = Files.writeString(tmp.resolve("prompts.jsonl"),
                "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        BadInput file = assertThrows(BadInput.class, () -> EvalStageTest.config(
                "prompts: {file: \"" + prompts + "\"}\ntrait_likelihood: [caps]\n"));
        assertTrue(file.getMessage().contains("stages.eval: trait_likelihood: needs charworld's prompts"), file.getMessage());
    }
}
