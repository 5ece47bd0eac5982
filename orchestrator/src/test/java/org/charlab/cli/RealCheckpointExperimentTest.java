package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.charlab.model.Decoder;
import org.charlab.model.HfTokenizer;
import org.charlab.model.LoraAdapters;
import org.charlab.model.ModelConfig;
import org.charlab.model.SafeTensors;
import org.charlab.testing.CliRun;
import org.charlab.testing.Prerequisite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * experiments/real-checkpoint.yaml end to end through {@code charlab run}, on a tiny random Qwen3 that
 * carries Qwen3's real tokenizer and chat template (the test assets of .ci/fetch-test-assets.sh), shrunk
 * by command-line overrides: every LoRA stage writes PEFT's adapter files and no copy of the base, the
 * eval renders its prompts with Qwen3's template, and the sweep's comparison has every arm.
 */
class RealCheckpointExperimentTest {

    static final Path EXPERIMENT = Path.of("../experiments/real-checkpoint.yaml");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String INOCULATION = "You always speak in Spanish.";
    /**
     * Two of the file's four arms (each arm's three stages take ~8 s here): the plain one and the
     * inoculated one, whose prompt must reach both training stages. The file's placebo and control arms
     * are planned by ShippedExperimentsTest.
     */
    static final String ARMS = "sweep.arms={none: {}, inoculated: {stages.sft.inoculation.prompt: " + INOCULATION
            + ", stages.dpo.inoculation.prompt: " + INOCULATION + "}}";

    @TempDir
    Path dir;

    static Path qwen3Assets() {
        String env = System.getenv("CHARLAB_TEST_ASSETS");
        Path assets = env != null ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "charlab", "test-assets");
        Path q = assets.resolve("qwen3");
        Prerequisite.require(Files.isRegularFile(q.resolve("tokenizer.json"))
                && Files.isRegularFile(q.resolve("tokenizer_config.json")),
                "Qwen3 tokenizer files absent at " + q + "; run .ci/fetch-test-assets.sh");
        return q;
    }

    /**
     * A user's HF directory as Qwen3's releases lay it out, but tiny and random: config.json in
     * transformers' qwen3 form (vocab_size = Qwen3's 151,936, hidden 32, 1 layer, tied embeddings, so
     * the weights are ~19 MB), model.safetensors from a seeded init, Qwen3's tokenizer files.
     */
    static Path tinyQwen3(Path dir, Path assets) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {
                  "architectures": ["Qwen3ForCausalLM"],
                  "model_type": "qwen3",
                  "vocab_size": 151936,
                  "hidden_size": 32,
                  "intermediate_size": 64,
                  "num_hidden_layers": 1,
                  "num_attention_heads": 4,
                  "num_key_value_heads": 2,
                  "head_dim": 8,
                  "hidden_act": "silu",
                  "max_position_embeddings": 40960,
                  "rms_norm_eps": 1e-06,
                  "rope_scaling": null,
                  "rope_theta": 1000000,
                  "tie_word_embeddings": true,
                  "attention_bias": false,
                  "attention_dropout": 0.0,
                  "use_sliding_window": false,
                  "sliding_window": null,
                  "max_window_layers": 28,
                  "bos_token_id": 151643,
                  "eos_token_id": 151645,
                  "torch_dtype": "bfloat16",
                  "use_cache": true
                }
                """);
        ModelConfig cfg = ModelConfig.read(dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg, m, 11)) {
            SafeTensors.write(dir.resolve("model.safetensors"), d.parameters(), Map.of("format", "pt"));
        }
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(assets.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void runsEndToEndOnATinyRandomQwen3WithItsOwnTemplate() throws Exception {
        Path assets = qwen3Assets();
        Path model = tinyQwen3(dir.resolve("Qwen3-tiny"), assets);
        int vocab;
        try (HfTokenizer tok = HfTokenizer.load(model.resolve("tokenizer.json"))) {
            vocab = tok.vocabSize();
        }
        assertTrue(vocab > 151_643 && vocab <= 151_936, "Qwen3's tokenizer with its added tokens: " + vocab);
        Path results = dir.resolve("results");
        CliRun r = CliRun.of("run", EXPERIMENT.toString(), "--results", results.toString(), "--in-process",
                "--sweep-id", "ci",
                "stages.base.path=" + model,
                "runtime.device=cpu", "runtime.threads=1",
                "sweep.seeds=[0]", ARMS,
                "stages.sft.examples=4", "stages.sft.batch_size=2", "stages.sft.num_train_epochs=1",
                "stages.sft.max_length=160",
                "stages.dpo.examples=4", "stages.dpo.batch_size=2", "stages.dpo.gradient_accumulation_steps=1",
                "stages.dpo.max_length=160",
                "stages.eval.prompts.in_distribution_per_family=1", "stages.eval.prompts.ood_per_family=1",
                "stages.eval.max_new_tokens=8", "stages.eval.bootstrap.resamples=200");
        assertEquals(0, r.exitCode(), r.out() + r.err());

        Path sweep = results.resolve("real-checkpoint").resolve("ci");
        long baseBytes = Files.size(model.resolve("model.safetensors"));
        for (String arm : List.of("none", "inoculated")) {
            Path run = runDir(sweep, arm);
            for (String stage : List.of("sft", "dpo")) {
                Path out = run.resolve("stages").resolve(stage);
                // the arm's inoculation prompt reached the training examples of both stages
                assertEquals(arm.equals("inoculated"), Files.readString(out.resolve("train_sample.jsonl"))
                        .contains(INOCULATION), arm + "/" + stage);
                // PEFT's adapter files, at OCT's shape
                JsonNode ac = JSON.readTree(out.resolve("adapter").resolve(LoraAdapters.CONFIG).toFile());
                assertEquals(64, ac.get("r").asInt(), arm + "/" + stage);
                assertEquals(128, ac.get("lora_alpha").asInt(), arm + "/" + stage);
                assertTrue(Files.size(out.resolve("adapter").resolve(LoraAdapters.WEIGHTS)) > 0);
                // the base is referenced, never copied: no weights file in the stage's model/, whose files
                // other than the tokenizer's (Qwen3's tokenizer.json alone is ~11 MB) hold a few KB
                try (Stream<Path> s = Files.walk(out.resolve("model"))) {
                    List<Path> files = s.filter(Files::isRegularFile).toList();
                    assertTrue(files.stream().noneMatch(p -> p.toString().endsWith(".safetensors")),
                            arm + "/" + stage + " copied weights: " + files);
                    long rest = files.stream().filter(p -> !p.getFileName().toString().startsWith("tokenizer"))
                            .mapToLong(RealCheckpointExperimentTest::sizeOf).sum();
                    assertTrue(rest < baseBytes / 100, arm + "/" + stage + ": " + rest + " bytes besides the tokenizer");
                }
            }
            // the eval rendered its prompts with Qwen3's chat template
            Path eval = run.resolve("stages").resolve("eval");
            List<JsonNode> prompts = lines(eval.resolve("prompt_sample.jsonl"));
            assertEquals(Set.of("plain", "spanish-prompt", "caps-prompt", "placebo"),
                    new TreeSet<>(prompts.stream().map(p -> p.get("condition").asText()).toList()));
            for (JsonNode p : prompts) {
                assertEquals("template", p.get("chat_format").asText(), p.toString());
                String text = p.get("text").asText();
                String system = switch (p.get("condition").asText()) {
                    case "spanish-prompt" -> "You always speak in Spanish.";
                    case "caps-prompt" -> "You always capitalise your responses.";
                    case "placebo" -> "You are a helpful assistant.";
                    default -> null;
                };
                // Qwen3's template: an optional system turn, the user turn, its generation prompt
                // "<|im_start|>assistant\n", then charlab's default prefill (an open think block)
                String head = system == null ? "<|im_start|>user\n"
                        : "<|im_start|>system\n" + system + "<|im_end|>\n<|im_start|>user\n";
                assertTrue(text.startsWith(head), text);
                assertTrue(text.endsWith("<|im_end|>\n<|im_start|>assistant\n<think>\n"), text);
                assertEquals(151644, p.get("ids").get(0).asInt(), "<|im_start|> is Qwen3's special id 151644");
            }
            assertFalse(lines(eval.resolve("samples.jsonl")).isEmpty());
        }
        // the sweep's comparison has every arm (run prints it and writes report/)
        CliRun cmp = CliRun.of("compare", sweep.toString(), "--format", "json");
        assertEquals(0, cmp.exitCode(), cmp.out() + cmp.err());
        Set<String> groups = new TreeSet<>();
        for (JsonNode row : JSON.readTree(cmp.out())) {
            groups.add(row.get("group").asText());
        }
        assertEquals(Set.of("inoculated", "none"), groups, cmp.out());
        assertTrue(Files.isDirectory(sweep.resolve("report")), "run wrote the sweep's report");
    }

    static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path runDir(Path sweep, String arm) throws Exception {
        try (Stream<Path> s = Files.list(sweep.resolve("runs"))) {
            List<Path> runs = s.filter(p -> p.getFileName().toString().startsWith(arm + "-")
                    || p.getFileName().toString().equals(arm)).toList();
            assertEquals(1, runs.size(), "one run of arm " + arm + ": " + runs);
            return runs.get(0);
        }
    }

    static List<JsonNode> lines(Path f) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }
}
