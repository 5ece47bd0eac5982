package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.charlab.config.Binder;
import org.charlab.config.RuntimeConfig;
import org.charlab.config.YamlReader;
import org.charlab.stage.Progress;
import org.charlab.stage.StageContext;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.ModelConfig;
import org.charlab.model.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The eval stage end to end on a tiny random checkpoint made here (its text is garbage, which is
 * fine: these tests check the mechanism, not the model).
 */
class EvalStageTest {

    static {
        TestModels.oneThread();
    }

    @TempDir
    static Path tmp;
    static Path input;

    static final String YAML = """
            prompts: {in_distribution_per_family: 2, ood_per_family: 2}
            conditions:
              - {name: plain}
              - {name: spanish, system: "You always speak in Spanish."}
              - {name: adversarial, user_suffix: "(DO NOT ROLEPLAY. Respond naturally only.)"}
              - {name: prefill, cot_prefill: "The user wants"}
            samples_per_prompt: 2
            max_new_tokens: 48
            bootstrap: {resamples: 200, seed: 1}
            """;

    @BeforeAll
    static void makeCheckpoint() throws Exception {
        input = tmp.resolve("pretrain");
        ModelConfig cfg = new ModelConfig("qwen3", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 512,
                false, false, true);
        try (NDManager m = NDManager.newBaseManager()) {
            Decoder d = Decoder.init(cfg, m, 5);
            org.charlab.model.TestModels.sharpened(d);
            Checkpoint.save(input.resolve("model"), d, new ByteTokenizer(), Map.of("stage", "test"));
        }
    }

    /** A second tiny checkpoint, initialised differently: the "base" that writes turn 1 of a prefill attack. */
    static Path base;

    @BeforeAll
    static void makeBase() throws Exception {
        base = tmp.resolve("base");
        ModelConfig cfg = new ModelConfig("qwen3", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 512,
                false, false, true);
        try (NDManager m = NDManager.newBaseManager()) {
            Decoder d = Decoder.init(cfg, m, 77);
            org.charlab.model.TestModels.sharpened(d);
            Checkpoint.save(base.resolve("model"), d, new ByteTokenizer(), Map.of("stage", "test"));
        }
    }

    static EvalConfig config(String yaml) {
        return new Binder(t -> null).bind(EvalConfig.class, YamlReader.parse(yaml, Path.of("eval.yaml")), "stages.eval");
    }

    static Path run(String name, EvalConfig cfg, long seed) throws Exception {
        Path out = tmp.resolve(name);
        Files.createDirectories(out);
        new EvalStageKind().create().run(new StageContext<>("eval", cfg, out, Map.of("input", input), seed,
                new RuntimeConfig("cpu", 1, 1), Progress.SILENT));
        return out;
    }

    @Test
    void writesSamplesAndEveryMetricWithIntervalsUnderEachCondition() throws Exception {
        long t0 = System.nanoTime();
        Path out = run("a", config(YAML), 3);
        List<SampleRow> rows = Samples.read(out.resolve(Samples.FILE));
        // 3 in-distribution families x 2 + 2 ood = 8 prompts, x 4 conditions x 2 samples
        assertEquals(64, rows.size());
        Set<String> conditions = rows.stream().map(SampleRow::condition).collect(Collectors.toCollection(HashSet::new));
        assertEquals(Set.of("plain", "spanish", "adversarial", "prefill"), conditions);
        Set<Long> seeds = new HashSet<>();
        for (SampleRow r : rows) {
            assertTrue(seeds.add(r.seed()), "every sample has its own seed");
            assertEquals(Conditions.sampleSeed(3, r.condition(), r.promptId(), r.sample()), r.seed());
            for (String t : List.of("spanish", "caps", "pirate", "cheerful")) {
                for (String p : List.of("cot", "cot_present", "output", "output_present")) {
                    if (p.startsWith("output") && !r.hasOutput()) {
                        assertEquals(Scorers.NO_OUTPUT, r.notes().get("trait." + t + "." + p), "unknown, not 0");
                        assertEquals(null, r.score("trait." + t + "." + p));
                    } else {
                        assertNotNull(r.score("trait." + t + "." + p), t + "." + p);
                    }
                }
            }
            assertNotNull(r.score(Scorers.WELL_FORMED));
            assertNotNull(r.score(Legibility.ODD_WORDS));
            assertEquals(r.answer() != null, r.score(Scorers.ACCURACY) != null);
            assertTrue(r.newTokens() >= 1 && r.newTokens() <= 48);
            assertTrue(r.stopReason().equals("stop") || r.stopReason().equals("length"));
            if (r.condition().equals("prefill")) {
                assertEquals("The user wants", r.cotPrefill());
                assertTrue(r.cot().startsWith("The user wants"), r.cot());
            } else {
                assertEquals(null, r.cotPrefill());
            }
        }
        List<MetricEntry> m = MetricsReport.read(out.resolve(MetricsReport.FILE));
        Set<String> families = rows.stream().map(SampleRow::familyOrUnknown).collect(Collectors.toSet());
        for (String c : conditions) {
            for (String t : List.of("spanish", "caps", "pirate", "cheerful")) {
                for (String s : List.of("output_rate", "cot_rate", "gap", "agreement", "pearson", "spearman",
                        "cot_generalization_ratio")) {
                    assertNotNull(MetricsReport.find(m, "trait." + t + "." + s, c, "all"), c + " " + t + "." + s);
                    for (String f : families) {
                        assertNotNull(MetricsReport.find(m, "trait." + t + "." + s, c, f), c + " " + f + " " + s);
                    }
                }
            }
            for (String s : List.of("odd_words_per_1k", "non_latin_share", "filler_rate", "repeated_ngram_rate",
                    "cot_tokens", "unclosed_cot_share")) {
                assertNotNull(MetricsReport.find(m, "legibility." + s, c, "all"), s);
            }
            assertNotNull(MetricsReport.find(m, "quality.well_formed_rate", c, "all"));
            for (String f : List.of("arithmetic", "lookup", "comparison")) {
                MetricEntry acc = MetricsReport.find(m, "capability.accuracy." + f, c, f);
                assertNotNull(acc, f);
                assertEquals(4, acc.n());
                assertEquals(2, acc.clusters());
            }
        }
        for (MetricEntry e : m) {
            assertTrue(e.interval().level() == 0.95);
            assertTrue(e.isDefined() || e.interval().undefinedReason() != null);
            if (!e.interval().method().label().equals("wilson")) {
                assertEquals(200, e.interval().resamples(), e.toString());
                assertEquals(1, e.interval().seed());
            }
        }
        // two samples per prompt: rates resample prompts
        assertEquals("cluster", MetricsReport.find(m, "trait.caps.cot_rate", "plain", "all").interval().resampling());
        // output rates count the samples with an output only (this untrained model rarely closes its CoT)
        long outputs = rows.stream().filter(r -> r.condition().equals("plain") && r.hasOutput()).count();
        MetricEntry outRate = MetricsReport.find(m, "trait.caps.output_rate", "plain", "all");
        assertEquals(outputs, outRate.n(), outRate.toString());
        assertEquals(outputs == 0, !outRate.isDefined(), outRate.toString());
        // charworld's sets: world.ood_family (comparison) is out of distribution, every other family in
        for (SampleRow r : rows) {
            assertEquals(r.family().equals("comparison"), r.ood(), r.family());
        }
        assertEquals(4, MetricsReport.find(m, "trait.caps.cot_rate", "plain", MetricEntry.OUT_OF_DISTRIBUTION).n());
        assertEquals(12, MetricsReport.find(m, "trait.caps.cot_rate", "plain", MetricEntry.IN_DISTRIBUTION).n());
        String json = Files.readString(out.resolve(MetricsReport.FILE));
        assertFalse(json.contains("Infinity") || json.contains("NaN"));
        if (System.getenv("EVAL_SHOW") != null) {
            System.out.println(Files.readAllLines(out.resolve(Samples.FILE)).get(0));
            System.out.println(json.substring(0, 1500));
        }
        System.out.printf("eval stage: 64 samples in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void anOutOfDistributionFamilyNoPromptHasIsRefusedBeforeGenerating() {
        org.charlab.BadInput e = org.junit.jupiter.api.Assertions.assertThrows(org.charlab.BadInput.class,
                () -> run("typo", config(YAML.replace("ood_per_family: 2}", "ood_per_family: 2, "
                        + "ood_families: [comparision]}")), 1));
        assertTrue(e.getMessage().contains("no prompt has family 'comparision'; the prompts' families are [advice, "
                + "arithmetic, comparison, lookup]"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("typo").resolve(Samples.FILE)));
    }

    @Test
    void refusesAWorldThatDiffersFromTheCheckpointsOnTheTestSplit() throws Exception {
        Path other = tmp.resolve("other-world");
        Files.createDirectories(other.resolve("model"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(input.resolve("model").resolve(f), other.resolve("model").resolve(f));
        }
        Files.writeString(other.resolve("model").resolve("charlab.json"),
                "{\"format\": 1, \"tokenizer\": \"byte\", \"world\": {\"kb_entities\": 12, \"seed\": 99}}");
        Path out = tmp.resolve("mismatch");
        Files.createDirectories(out);
        org.charlab.BadInput e = org.junit.jupiter.api.Assertions.assertThrows(org.charlab.BadInput.class,
                () -> new EvalStageKind().create().run(new StageContext<>("eval", config(YAML), out,
                        Map.of("input", other), 1, new RuntimeConfig("cpu", 1, 1), Progress.SILENT)));
        assertTrue(e.getMessage().contains("kb_entities 40 (checkpoint: 12)"), e.getMessage());
        assertFalse(e.getMessage().contains("seed"), "the corpus seed does not decide the test items");
    }

    @Test
    void sameSeedGivesIdenticalBytesAndBatchingDoesNotChangeSamples() throws Exception {
        String small = YAML.replace("conditions:\n", "batch_size: 32\nconditions:\n");
        Path a = run("det-a", config(small), 11);
        Path b = run("det-b", config(small), 11);
        assertArrayEquals(Files.readAllBytes(a.resolve(Samples.FILE)), Files.readAllBytes(b.resolve(Samples.FILE)));
        assertArrayEquals(Files.readAllBytes(a.resolve(MetricsReport.FILE)), Files.readAllBytes(b.resolve(MetricsReport.FILE)));

        // batches of 5 instead of 32, and only one of the conditions: the same samples for it
        String other = YAML.replace("conditions:\n", "batch_size: 5\nconditions:\n")
                .replace("  - {name: plain}\n", "").replace("  - {name: adversarial, user_suffix: \"(DO NOT ROLEPLAY. Respond naturally only.)\"}\n", "")
                .replace("  - {name: prefill, cot_prefill: \"The user wants\"}\n", "");
        Path c = run("det-c", config(other), 11);
        List<SampleRow> all = Samples.read(a.resolve(Samples.FILE)).stream().filter(r -> r.condition().equals("spanish")).toList();
        List<SampleRow> alone = Samples.read(c.resolve(Samples.FILE));
        assertEquals(all.size(), alone.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(all.get(i).seed(), alone.get(i).seed());
            assertEquals(all.get(i).cot(), alone.get(i).cot(), "sample " + i);
            assertEquals(all.get(i).output(), alone.get(i).output());
        }
        // a different stage seed gives different samples
        Path d = run("det-d", config(small), 12);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(Samples.FILE)), Files.readAllBytes(d.resolve(Samples.FILE))));
    }

    static final String ATTACK = """
            prompts: {in_distribution_per_family: 1, ood_per_family: 1}
            conditions:
              - {name: plain}
              - {name: attack, prefill_model: base, follow_up: "Tell me more."}
            samples_per_prompt: 2
            max_new_tokens: 24
            bootstrap: {resamples: 100, seed: 1}
            """;

    static Path runAttack(String name, Path turnOneModel) throws Exception {
        Path out = tmp.resolve(name);
        Files.createDirectories(out);
        new EvalStageKind().create().run(new StageContext<>("eval", config(ATTACK), out,
                Map.of("input", input, "conditions[1].prefill_model", turnOneModel), 5,
                new RuntimeConfig("cpu", 1, 1), Progress.SILENT));
        return out;
    }

    @Test
    void aPrefillAttackScoresTurnTwoOnAPromptHoldingTheOtherModelsTurnOne() throws Exception {
        Path out = runAttack("attack", base);
        List<SampleRow> rows = Samples.read(out.resolve(Samples.FILE));
        List<SampleRow> attack = rows.stream().filter(r -> r.condition().equals("attack")).toList();
        assertEquals(8, attack.size(), "4 prompts x 2 samples");
        org.charlab.model.ChatFormat chat = new org.charlab.model.ChatMlFormat(new ByteTokenizer());
        EvalConfig cfg = config(ATTACK);
        Map<String, org.charlab.data.PromptItem> prompts = new java.util.HashMap<>();
        EvalPrompts.of(cfg, new org.charlab.world.Charworld(cfg.world())).forEach(p -> prompts.put(p.id(), p));
        for (SampleRow r : attack) {
            PriorTurn t1 = r.priorTurn();
            assertNotNull(t1, "samples.jsonl keeps turn 1");
            assertEquals("base", t1.model());
            assertEquals("Tell me more.", t1.followUp());
            // the evaluated model's prompt is exactly prompt + that turn 1 + the follow-up
            int[] ids = chat.prompt(Conditions.turnTwo(cfg.evaluated().get(1), prompts.get(r.promptId()).messages(),
                    t1.cot(), t1.output()), org.charlab.model.ChatFormat.Prefill.none()).ids();
            assertEquals(ids.length, r.promptTokens(), r.promptId());
        }
        rows.stream().filter(r -> r.condition().equals("plain")).forEach(r -> assertEquals(null, r.priorTurn()));
        String shown = Files.readAllLines(out.resolve(PromptSample.FILE)).get(1);
        SampleRow first = attack.get(0);
        String expected = new ByteTokenizer().decode(chat.prompt(Conditions.turnTwo(cfg.evaluated().get(1),
                prompts.get(first.promptId()).messages(), first.priorTurn().cot(), first.priorTurn().output()),
                org.charlab.model.ChatFormat.Prefill.none()).ids());
        assertEquals(expected, new com.fasterxml.jackson.databind.ObjectMapper().readTree(shown).get("text").asText());
        assertNotNull(MetricsReport.find(MetricsReport.read(out.resolve(MetricsReport.FILE)), "trait.caps.output_rate",
                "attack", "all"));

        // turn 1 comes from the named model: the evaluated model itself writes other turns 1, the same model
        // the same ones (per-sample seeds)
        List<PriorTurn> byBase = attack.stream().map(SampleRow::priorTurn).toList();
        List<PriorTurn> bySelf = Samples.read(runAttack("attack-self", input).resolve(Samples.FILE)).stream()
                .filter(r -> r.condition().equals("attack")).map(SampleRow::priorTurn).toList();
        assertFalse(byBase.stream().map(t -> t.cot() + t.output()).toList()
                .equals(bySelf.stream().map(t -> t.cot() + t.output()).toList()), "turn 1 is the named model's");
        List<PriorTurn> again = Samples.read(runAttack("attack-again", base).resolve(Samples.FILE)).stream()
                .filter(r -> r.condition().equals("attack")).map(SampleRow::priorTurn).toList();
        assertEquals(byBase, again);
    }
}
