package org.charlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.charlab.BadInput;
import org.charlab.config.ConfigLoader;
import org.charlab.stage.StageCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every experiment in experiments/ plans (loads, merges, expands and validates every run) and says what it is. */
class ShippedExperimentsTest {

    static Stream<Path> experiments() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("../experiments"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    /** Experiments that start from a user's checkpoint: the path their header comment says to give. */
    static final Map<String, String> NEEDS_A_PATH = Map.of("real-checkpoint.yaml", "stages.base.path");

    /**
     * The overrides an experiment needs to plan: for one that starts from a user's checkpoint, a
     * directory with a small qwen3 config.json (planning reads only that).
     */
    static List<String> overrides(Path file, Path tmp) throws Exception {
        String key = NEEDS_A_PATH.get(file.getFileName().toString());
        if (key == null) {
            return List.of();
        }
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"qwen3\", \"vocab_size\": 151936, "
                + "\"hidden_size\": 32, \"intermediate_size\": 64, \"num_hidden_layers\": 1, "
                + "\"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"head_dim\": 8, "
                + "\"max_position_embeddings\": 40960, \"tie_word_embeddings\": true}\n");
        return List.of(key + "=" + dir);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("experiments")
    void plansAndDescribesItself(Path file, @TempDir Path tmp) throws Exception {
        Plan p = new Planner(StageCatalog.load()).plan(file, overrides(file, tmp), null);
        assertFalse(p.runs().isEmpty());
        assertFalse(ConfigLoader.describe(file).isBlank(), file + " has a description: line for charlab list");
        assertTrue(p.stages().values().stream().allMatch(s -> s.key().startsWith(s.type() + "-")));
    }

    @Test
    void tanHeadlineIsAGridOfTheInoculationArmsWithOneSharedBaseEvaluation() {
        Plan p = new Planner(StageCatalog.load()).plan(Path.of("../experiments/tan2025-headline.yaml"), List.of(), null);
        assertEquals(5 * 3 * 4, p.runs().size(), "5 arms x 3 seeds x (2 learning rates x 2 step counts)");
        java.util.Set<String> baseEvals = new java.util.HashSet<>();
        java.util.Set<Object> points = new java.util.HashSet<>();
        for (RunPlan r : p.runs()) {
            assertEquals(List.of("pretrain", "base_eval", "sft", "eval"),
                    r.stages().stream().map(RunPlan.Step::name).toList());
            baseEvals.add(r.keyOf("base_eval"));
            assertEquals(r.keyOf("pretrain"), p.stages().get(r.keyOf("sft")).deps().get("input"),
                    "sft fine-tunes the base, not the base's evaluation");
            assertEquals(r.keyOf("pretrain"), p.stages().get(r.keyOf("base_eval")).deps().get("input"));
            assertEquals(List.of("spanish", "caps"), p.stages().get(r.keyOf("eval")).config().get("trait_likelihood"));
            points.add(r.axes().get("stages.sft.learning_rate") + " " + r.axes().get("stages.sft.max_steps"));
        }
        assertEquals(1, baseEvals.size(), "the base is evaluated once for the whole sweep");
        assertEquals(4, points.size(), points.toString());
    }

    @Test
    void anExperimentOnAUsersCheckpointWithoutItsPathSaysWhichKeyToSetInOneLine() {
        for (Map.Entry<String, String> e : NEEDS_A_PATH.entrySet()) {
            BadInput err = assertThrows(BadInput.class,
                    () -> new Planner(StageCatalog.load()).plan(Path.of("../experiments", e.getKey()), List.of(), null));
            assertFalse(err.getMessage().contains("\n"), err.getMessage());
            String key = e.getValue();
            String parent = key.substring(0, key.lastIndexOf('.'));
            String leaf = key.substring(key.lastIndexOf('.') + 1);
            assertTrue(err.getMessage().contains(parent + ": missing required key '" + leaf + "'"), err.getMessage());
        }
    }
}
