package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.YamlReader;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.eval.judge.JudgeCache;
import org.charlab.eval.judge.JudgeClient;
import org.charlab.eval.judge.JudgeSettings;
import org.charlab.generate.Sample;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.Checkpoint;
import org.charlab.model.LoraShape;
import org.charlab.model.MemoryArithmetic;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.Progress;
import org.charlab.stage.Stage;
import org.charlab.testing.CliRun;
import org.charlab.train.GrpoLossType;
import org.charlab.train.GrpoObjective;
import org.charlab.train.ScaleRewards;
import org.charlab.world.Charworld;
import org.charlab.world.WorldConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grpo stage end to end on a micro model, its rewards on fixed completions, its settings and estimate. */
class GrpoStagesTest {

    static final String SMALL = "num_generations: 2\nmax_completion_length: 8\n";

    static GrpoConfig bind(String yaml) {
        return PreferenceStagesTest.bind(GrpoConfig.class, SMALL + yaml);
    }

    static BadInput refused(String yaml) {
        return assertThrows(BadInput.class, () -> bind(yaml));
    }

    @Test
    void inoculationReachesThePolicysPromptsAndNothingElseAndMetricsCarryTheRewards(@TempDir Path tmp)
            throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        String rewards = "beta: 0.04\nrewards: [{type: correctness}, {type: format}, {type: length, target: 4}, "
                + "{type: trait, trait: cheerful, weight: 0.5}]\n";
        Path plain = PreferenceStagesTest.run(tmp, "plain", bind(rewards), new GrpoStage());
        Path inoc = PreferenceStagesTest.run(tmp, "inoc", bind(rewards + "inoculation: {prompt: \""
                + PreferenceStagesTest.PROMPT + "\"}\n"), new GrpoStage());
        PreferenceStagesTest.assertOnlyInTraining(inoc, plain, GrpoStage.EVAL, "grpo");
        JsonNode first = TrainingStagesTest.JSON.readTree(Files.readAllLines(plain.resolve("metrics.jsonl")).get(0));
        for (String key : List.of("loss", "reward", "reward_std", "frac_reward_zero_std", "rewards/correctness/mean",
                "rewards/format/mean", "rewards/length/mean", "rewards/trait_cheerful/mean", "kl",
                "clip_ratio/region_mean", "completions/mean_length", "completions/clipped_ratio")) {
            assertTrue(first.has(key), key + " in " + first);
        }
        assertEquals(0, first.get("kl").asDouble(), 1e-9, "step 1: the policy is the reference");
        assertTrue(first.get("completions/mean_length").asDouble() <= 8);
        JsonNode data = TrainingStagesTest.JSON.readTree(plain.resolve("data.json").toFile());
        assertEquals(8, data.get("prompts").asInt());
        assertTrue(data.get("with_answer").asInt() > 0, "charworld prompts carry their answers");
        assertEquals(List.of("correctness", "format", "length", "trait_cheerful"),
                TrainingStagesTest.JSON.convertValue(data.get("reward_names"), List.class));
        // the answers travel with the prompts into the training sample
        assertTrue(Files.readString(plain.resolve(GrpoStage.TRAIN_SAMPLE)).contains("\"answer\""));
    }

    @Test
    void loraGrpoTrainsOnlyTheAdaptersAgainstTheBaseAsReference(@TempDir Path tmp) throws Exception {
        Path base = TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        byte[] baseWeights = Files.readAllBytes(base.resolve("model").resolve(Checkpoint.WEIGHTS));
        Path out = PreferenceStagesTest.run(tmp, "grpo", bind("beta: 0.1\nlora: {r: 4}\nlearning_rate: 0.01\n"
                + "rewards: [{type: length, target: 12, part: cot}]\n"), new GrpoStage()); // random bytes: CoTs of varied length
        assertArrayEquals(baseWeights, Files.readAllBytes(base.resolve("model").resolve(Checkpoint.WEIGHTS)));
        assertFalse(Files.exists(out.resolve("model").resolve(Checkpoint.WEIGHTS)), "no full copy written");
        assertEquals(1, Checkpoint.stackOf(out.resolve("model")).adapters().size());
        assertEquals(2 * 4L * ((32 + 32) + (32 + 16)),
                TrainingStagesTest.JSON.readTree(out.resolve(Stage.FACTS).toFile()).get("trainable_parameters").asLong(),
                "q_proj and v_proj adapters of 2 layers, nothing else");
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(0, TrainingStagesTest.JSON.readTree(lines.get(0)).get("kl").asDouble(), 1e-9,
                "B starts at 0: the policy is the base with the adapters off");
        assertTrue(TrainingStagesTest.JSON.readTree(lines.get(1)).get("kl").asDouble() > 0,
                "after one step the adapters moved the policy off the base, which stays the reference");
    }

    // ---- settings

    @Test
    void defaultsAreTrlsWhereCharlabHasNoReasonToDiffer() {
        GrpoConfig c = PreferenceStagesTest.bind(GrpoConfig.class, "");
        assertEquals(8, c.numGenerations());
        assertEquals(0.0, c.beta());
        assertEquals(0.2, c.epsilon());
        assertEquals(0.2, c.epsilonUpper(), "epsilon_high null is epsilon");
        assertEquals(1, c.numIterations());
        assertEquals(1.0, c.temperature());
        assertEquals(GrpoLossType.BNPO, c.lossType());
        assertEquals(ScaleRewards.GROUP, c.scaleRewards());
        assertEquals(List.of(new RewardSpec(RewardType.CORRECTNESS, 1.0, null, null, null, false)), c.rewards());
        assertEquals(0.28, bind("epsilon_high: 0.28\n").epsilonUpper());
        CliRun explain = CliRun.of("explain", "stages.grpo.num_generations");
        assertEquals(0, explain.exitCode(), explain.err());
        assertTrue(explain.out().contains("TRL GRPOConfig.num_generations"), explain.out());
        CliRun type = CliRun.of("explain", "grpo");
        assertTrue(type.out().contains("[type=grpo].beta") && type.out().contains("Shao et al. 2024 eq. 3-4")
                && type.out().contains("Liu et al. 2025"), type.exitCode() + type.out() + type.err());
    }

    @Test
    void badRewardsAreRefusedInOneLineNamingTheField() {
        BadInput judge = refused("rewards: [{type: correctness}, {type: judge, trait: cheerful}]\n");
        assertTrue(judge.getMessage().contains("rewards[1]") && judge.getMessage().contains("judge settings"),
                judge.getMessage());
        assertFalse(judge.getMessage().contains("\n"));
        BadInput notInJudge = refused("rewards: [{type: judge, trait: pirate}]\njudge: {base_url: http://x/v1, "
                + "model: m, traits: {cheerful: 'Rate {text}'}}\n");
        assertTrue(notInJudge.getMessage().contains("'pirate' is not in judge.traits [cheerful]"), notInJudge.getMessage());
        assertTrue(refused("rewards: [{type: length}]\n").getMessage().contains("needs target"));
        assertTrue(refused("rewards: [{type: trait, trait: klingon}]\n").getMessage().contains("unknown trait 'klingon'"));
        BadInput extra = refused("rewards: [{type: correctness, trait: caps}]\n");
        assertTrue(extra.getMessage().contains("stages.x.rewards[0]") && extra.getMessage().contains("takes no trait"),
                extra.getMessage());
        assertTrue(refused("rewards: [{type: trait, trait: caps, part: completion}]\n").getMessage()
                .contains("takes no part completion"));
        assertTrue(refused("rewards: []\n").getMessage().contains("at least one reward"));
        assertTrue(refused("packing: true\n").getMessage().contains("packing applies to sft and pretrain only"));
        assertTrue(refused("num_generations: 1\n").getMessage().contains("num_generations"));
        // a judge reward with its judge binds
        GrpoConfig ok = bind("rewards: [{type: judge, trait: cheerful, part: cot}]\njudge: {base_url: http://x/v1, "
                + "model: m, traits: {cheerful: 'Rate {text}'}}\n");
        assertEquals("judge_cheerful_cot", GrpoRewards.names(ok.rewards()).get(0));
    }

    @Test
    void planEstimatesAGrpoStageAndRefusesAJudgeRewardWithoutAJudgeBeforeAnythingRuns(@TempDir Path tmp)
            throws Exception {
        Path pretrain = Path.of("../experiments/pretrain.yaml").toAbsolutePath().normalize();
        String yaml = "name: grpo-plan\nextends: [" + pretrain + "]\nstages:\n  rl:\n    type: grpo\n    input: pretrain\n"
                + "    beta: 0.04\n    rewards: [{type: correctness}, {type: format, weight: 0.2}]\n";
        Path ok = Files.writeString(tmp.resolve("ok.yaml"), yaml);
        Path results = Files.createDirectories(tmp.resolve("results"));
        System.setProperty(org.charlab.plan.DeviceMemory.PROPERTY, "64G");
        try {
            CliRun plan = CliRun.of("plan", ok.toString(), "--results", results.toString());
            assertEquals(0, plan.exitCode(), plan.err());
            assertTrue(plan.out().lines().anyMatch(l -> l.startsWith("rl ")), plan.out());
            Path bad = Files.writeString(tmp.resolve("bad.yaml"), yaml.replace("{type: format, weight: 0.2}",
                    "{type: judge, trait: cheerful}"));
            CliRun refused = CliRun.of("plan", bad.toString(), "--results", results.toString());
            assertEquals(2, refused.exitCode(), refused.out());
            assertEquals(1, refused.errLines().size(), refused.err());
            assertTrue(refused.err().contains("stages.rl") && refused.err().contains("judge settings"), refused.err());
        } finally {
            System.clearProperty(org.charlab.plan.DeviceMemory.PROPERTY);
        }
    }

    // ---- rewards on fixed completions

    static GrpoObjective.Completion completion(String answer, String cot, String output, boolean closed, int closes,
            int tokens) {
        Conversation p = Conversation.of(Message.user("What is 12 + 7?"));
        return new GrpoObjective.Completion(new GrpoObjective.Prompt(p, answer, 10),
                new Sample(cot, output, new int[tokens], 10, tokens, Sample.StopReason.STOP, closed, closes));
    }

    static RewardSpec spec(String yaml) {
        return TrainingStagesTest.BINDER.bind(RewardSpec.class, YamlReader.parse(yaml, Path.of("r.yaml")), "r");
    }

    @Test
    void rewardsReadWhatTheEvalReads() throws Exception {
        GrpoRewards r = new GrpoRewards(List.of(), new Charworld(WorldConfig.defaults()), new ByteTokenizer(), null,
                Map.of());
        RewardSpec correct = spec("type: correctness");
        assertEquals(1, r.score(correct, completion("19", "12 + 7 = 19", "It is 19.", true, 1, 20)));
        assertEquals(0, r.score(correct, completion("19", "", "19 or maybe 20", true, 1, 20)), "the LAST integer");
        assertTrue(Double.isNaN(r.score(correct, completion(null, "", "Be kind.", true, 1, 20))), "no answer: unscored");
        RewardSpec format = spec("type: format");
        assertEquals(1, r.score(format, completion("19", "add", "19", true, 1, 20)));
        assertEquals(0, r.score(format, completion("19", "add", "", false, 0, 20)), "never closed");
        assertEquals(0, r.score(format, completion("19", "add", "19 </think> 19", true, 2, 20)), "closed twice");
        RewardSpec words = spec("type: format\nwords: true");
        GrpoRewards lexicon = new GrpoRewards(List.of(words), new Charworld(WorldConfig.defaults()),
                new ByteTokenizer(), null, Map.of());
        assertEquals(0, lexicon.score(words, completion("19", "add", "zxqv blorp grrk", true, 1, 20)));
        RewardSpec length = spec("type: length\ntarget: 10");
        assertEquals(1, r.score(length, completion(null, "", "", true, 1, 10)));
        assertEquals(0.5, r.score(length, completion(null, "", "", true, 1, 15)), 1e-12);
        assertEquals(0, r.score(length, completion(null, "", "", true, 1, 25)));
        RewardSpec outputLength = spec("type: length\ntarget: 4\npart: output");
        assertEquals(0.75, r.score(outputLength, completion(null, "a long chain", "abc", true, 1, 30)), 1e-12,
                "3 output bytes of a target of 4");
        RewardSpec cheerful = spec("type: trait\ntrait: cheerful");
        double happy = r.score(cheerful, completion(null, "plan", "Great question! Happy to help: it is 19.", true,
                1, 20));
        assertTrue(happy > r.score(cheerful, completion(null, "plan", "The answer is 19.", true, 1, 20)), "" + happy);
        assertEquals(0, r.score(cheerful, completion(null, "What a wonderful day!", "", false, 0, 20)),
                "no output: the trait is not shown");
    }

    @Test
    void judgeRewardIsTheJudgesScoreOverAHundred(@TempDir Path tmp) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String number = body.contains("ARR") ? "90" : "10";
            byte[] b = ("{\"choices\": [{\"logprobs\": {\"content\": [{\"token\": \"" + number + "\", \"logprob\": 0, "
                    + "\"top_logprobs\": [{\"token\": \"" + number + "\", \"logprob\": 0}]}]}}]}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            JudgeSettings s = new JudgeSettings("http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "m", null,
                    Map.of("pirate", "Rate {text} for {question}"), List.of(JudgeSettings.Part.OUTPUT), 50, 0.25, 2,
                    10, 0, 0.01, tmp.toString());
            RewardSpec spec = spec("type: judge\ntrait: pirate");
            try (GrpoRewards r = new GrpoRewards(List.of(spec), new Charworld(WorldConfig.defaults()),
                    new ByteTokenizer(), new JudgeClient(s, null, new JudgeCache(tmp), Progress.SILENT), s.traits())) {
                double[][] got = r.score(List.of(completion(null, "", "ARR matey", true, 1, 5),
                        completion(null, "", "Hello there", true, 1, 5), completion(null, "", "", false, 0, 5)));
                assertArrayEquals(new double[] {0.9, 0.1, 0}, got[0], 1e-9);
            }
        } finally {
            server.stop(0);
        }
    }

    // ---- memory

    @Test
    void theEstimatePricesGroupRowsAndAReferenceOnlyWhenOneIsLoaded() {
        GrpoConfig c = StageMemoryTest.bind(GrpoConfig.class, "batch_size=1", "num_generations=2", "max_length=8",
                "eval_prompts=0", "max_completion_length=4");
        MemoryEstimate none = new GrpoKind().memory(c, StageMemoryTest.INPUT);
        assertEquals(0, none.frozen(), "beta 0: no reference");
        // 1 prompt x 2 generations = 2 rows of 8: the sft numbers at B 2 (StageMemoryTest)
        assertEquals(4 * (22912 + 4224 + 8448 + 1024), none.activations());
        assertEquals(4 * MemoryArithmetic.generationFloats(StageMemoryTest.MICRO, 2, 8, 4), none.generation());
        GrpoConfig kl = new GrpoConfig(c.prompts(), c.rewards(), c.judge(), c.numGenerations(), c.temperature(),
                c.maxCompletionLength(), 0.04, c.epsilon(), c.epsilonHigh(), c.numIterations(), c.lossType(),
                c.scaleRewards(), c.referenceDtype(), c.shared(), c.train());
        MemoryEstimate withRef = new GrpoKind().memory(kl, StageMemoryTest.INPUT);
        assertEquals(4 * 8144, withRef.frozen());
        assertEquals(4 * (2 * (22912 + 4224) + 8448 + 1024), withRef.activations(), "plus the reference's forward");
        assertEquals(0, GrpoKind.memory(kl, StageMemoryTest.INPUT, new LoraShape(2, List.of("q_proj"))).frozen(),
                "LoRA: the reference is the base with the adapters off");
    }
}
