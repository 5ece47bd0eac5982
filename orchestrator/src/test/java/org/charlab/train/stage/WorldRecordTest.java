package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.RuntimeConfig;
import org.charlab.config.YamlReader;
import org.charlab.eval.EvalConfig;
import org.charlab.eval.EvalStageKind;
import org.charlab.stage.Progress;
import org.charlab.stage.Stage;
import org.charlab.stage.StageContext;
import org.charlab.model.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The charworld a model was trained in travels with it: pretrain records its world in the
 * checkpoint's charlab.json, sft carries it on, and an eval (or a DPO reference) in another world
 * is refused at stage start with one line naming both values.
 */
class WorldRecordTest {

    static final RuntimeConfig CPU = new RuntimeConfig("cpu", 1, 1);

    static <C extends Record> Path run(Path tmp, String name, C c, Stage<C> stage, Map<String, Path> inputs)
            throws Exception {
        Path out = Files.createDirectories(tmp.resolve(name));
        stage.run(new StageContext<>(name, c, out, inputs, 5, CPU, Progress.SILENT));
        return out;
    }

    static JsonNode world(Path stageDir) {
        return Checkpoint.readProvenance(stageDir.resolve("model")).path("world");
    }

    @Test
    void aUserCheckpointNamesNoWorldUntilItIsTrainedOnCharworldData(@TempDir Path tmp) throws Exception {
        Path user = TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("user")));
        assertEquals(null, StageFiles.readWorld(user), "a checkpoint whose charlab.json has no world");
        assertEquals(null, StageFiles.trainedWorld(null, false), "trained on the user's own data: still none");
        assertEquals(org.charlab.world.WorldConfig.defaults(), StageFiles.trainedWorld(null, true),
                "trained on generated charworld data: the world that data came from");
    }

    @Test
    void theWorldIsRecordedCarriedAndEnforced(@TempDir Path tmp) throws Exception {
        org.charlab.model.TestModels.oneThread();
        PretrainConfig pc = TrainingStagesTest.BINDER.bind(PretrainConfig.class, YamlReader.parse("""
                model: {hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1,
                        head_dim: 8, intermediate_size: 32, max_position_embeddings: 512, tokenizer: byte}
                world: {examples: 12, kb_entities: 60}
                eval_prompts: 0
                max_steps: 1
                batch_size: 2
                """, Path.of("p.yaml")), "stages.pretrain");
        Path base = run(tmp, "pretrain", pc, new PretrainStage(), Map.of());
        assertEquals(60, world(base).path("kb_entities").asInt(), world(base).toString());

        Path sft = run(tmp, "sft", TrainingStagesTest.BINDER.bind(SftConfig.class, YamlReader.parse(
                "examples: 4\nmax_steps: 1\nbatch_size: 2\neval_prompts: 0\n", Path.of("s.yaml")), "stages.sft"),
                new SftStage(), Map.of("input", base));
        assertEquals(world(base), world(sft), "sft records the world of its input");
        // both record the chat format they trained with (charworld's: ChatML), which later stages then use
        for (Path p : List.of(base, sft)) {
            assertEquals("chatml", Checkpoint.readProvenance(p.resolve("model")).path("chat").path("format").asText(),
                    p.toString());
        }

        // an eval whose world differs on kb_entities is refused before it generates anything
        EvalConfig ec = new org.charlab.config.Binder(t -> null).bind(EvalConfig.class, YamlReader.parse(
                "prompts: {in_distribution_per_family: 1, ood_per_family: 1}\nmax_new_tokens: 8\n", Path.of("e.yaml")),
                "stages.eval");
        Path evalOut = Files.createDirectories(tmp.resolve("eval"));
        BadInput e = assertThrows(BadInput.class, () -> new EvalStageKind().create().run(new StageContext<>("eval", ec,
                evalOut, Map.of("input", sft), 5, CPU, Progress.SILENT)));
        assertTrue(e.getMessage().contains("kb_entities 40 (checkpoint: 60)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        try (var files = Files.list(evalOut)) {
            assertEquals(0, files.count(), "nothing written");
        }

        // a DPO reference trained in another world is refused too
        Path other = tmp.resolve("other");
        Files.createDirectories(other.resolve("model"));
        try (var files = Files.list(base.resolve("model"))) {
            for (Path f : files.toList()) {
                Files.copy(f, other.resolve("model").resolve(f.getFileName()));
            }
        }
        Path prov = other.resolve("model").resolve(Checkpoint.PROVENANCE);
        ObjectNode p = (ObjectNode) TrainingStagesTest.JSON.readTree(prov.toFile());
        ((ObjectNode) p.get("world")).put("kb_entities", 40);
        Files.writeString(prov, p.toString());
        DpoConfig dc = PreferenceStagesTest.bind(DpoConfig.class, "reference: other\n");
        Path dpoOut = Files.createDirectories(tmp.resolve("dpo"));
        BadInput r = assertThrows(BadInput.class, () -> new DpoStage().run(new StageContext<>("dpo", dc, dpoOut,
                Map.of("input", sft, "reference", other), 5, CPU, Progress.SILENT)));
        assertTrue(r.getMessage().contains("kb_entities 60 (reference: 40)"), r.getMessage());
    }
}
