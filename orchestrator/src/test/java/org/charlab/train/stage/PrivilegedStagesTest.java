package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The opd stage with a privileged self-teacher, end to end on the micro model. */
class PrivilegedStagesTest {

    static List<JsonNode> metrics(Path out) throws Exception {
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = TrainingStagesTest.JSON.readTree(line);
            if (n.has("reverse_kl")) {
                rows.add(n);
            }
        }
        return rows;
    }

    @Test
    void currentWeightsWithoutPrivilegeDistillNothing(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Path out = PreferenceStagesTest.run(tmp, "opd", PreferenceStagesTest.bind(OpdConfig.class,
                "max_new_tokens: 8\nteacher_system: none\nteacher_weights: current\n"), new OpdStage());
        for (JsonNode n : metrics(out)) {
            assertEquals(0, n.get("reverse_kl").asDouble(), 1e-6, "teacher = the policy, same context, every step");
        }
        JsonNode data = TrainingStagesTest.JSON.readTree(out.resolve(StageFiles.DATA).toFile());
        assertEquals("current weights", data.get("teacher").asText());
        assertFalse(Files.exists(out.resolve(OpdStage.TEACHER_SAMPLE)), "no privileged teacher: no teacher sample");
    }

    @Test
    void answerReachesTheTeacherOnlyAndFeedbackLogsTheVerdicts(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Path answer = PreferenceStagesTest.run(tmp, "answer", PreferenceStagesTest.bind(OpdConfig.class,
                "max_new_tokens: 8\nteacher_system: none\nprivileged: answer\n"), new OpdStage());
        String teacher = Files.readString(answer.resolve(OpdStage.TEACHER_SAMPLE));
        String student = Files.readString(answer.resolve(OpdStage.TRAIN_SAMPLE));
        assertEquals(5, teacher.lines().filter(l -> l.contains("Correct solution:")).count(), teacher);
        assertFalse(student.contains("Correct solution"), student);
        assertTrue(metrics(answer).get(0).get("reverse_kl").asDouble() > 0, "the answer makes the teacher differ");
        assertTrue(metrics(answer).get(0).has("attempt_correct"));

        Path feedback = PreferenceStagesTest.run(tmp, "feedback", PreferenceStagesTest.bind(OpdConfig.class,
                "max_new_tokens: 8\nteacher_system: none\nprivileged: feedback\nlora: {r: 4}\n"), new OpdStage());
        for (JsonNode n : metrics(feedback)) {
            // 8 new tokens cannot finish an answer: every attempt is truncated, so every row is told so
            assertEquals(0, n.get("attempt_correct").asDouble());
            assertEquals(1, n.get("privileged_rows").asDouble());
            assertTrue(n.get("distill_tokens").asDouble() > 0);
        }
        JsonNode data = TrainingStagesTest.JSON.readTree(feedback.resolve(StageFiles.DATA).toFile());
        assertEquals("feedback", data.get("privileged").asText());
        assertEquals("current weights", data.get("teacher").asText());
    }

    @Test
    void anInterruptedOpdStageResumesToTheUninterruptedWeights(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        OpdConfig c = TrainingStagesTest.BINDER.bind(OpdConfig.class, org.charlab.config.YamlReader.parse(
                "examples: 16\nmax_steps: 4\nbatch_size: 4\ncheckpoint_every: 2\neval_prompts: 1\n"
                        + "eval_max_new_tokens: 8\nmax_new_tokens: 8\nteacher_system: none\nprivileged: answer\n",
                Path.of("s.yaml")), "stages.x");
        Path a = PreferenceStagesTest.run(tmp, "a", c, new OpdStage());
        org.charlab.stage.Progress crash = TrainingStagesTest.crashAt(3); // after the step-2 checkpoint
        Path b = Files.createDirectories(tmp.resolve("b"));
        org.charlab.stage.StageContext<OpdConfig> ctx = new org.charlab.stage.StageContext<>("b", c, b,
                java.util.Map.of("input", tmp.resolve("base")), 5, new org.charlab.config.RuntimeConfig("cpu", 1, 1), crash);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> new OpdStage().run(ctx));
        assertTrue(org.charlab.train.Trainer.resumeDir(b) != null, "the crash left a checkpoint");
        java.util.List<Long> steps = new java.util.ArrayList<>();
        org.charlab.stage.Progress record = TrainingStagesTest.onTrainingStep(steps::add);
        new OpdStage().run(new org.charlab.stage.StageContext<>("b", c, b, java.util.Map.of("input", tmp.resolve("base")),
                5, new org.charlab.config.RuntimeConfig("cpu", 1, 1), record));
        assertEquals(java.util.List.of(3L, 4L), steps, "the second attempt continues after the step-2 checkpoint");
        // the resume restores the weights and the micro-batch counter that seeds sampling: either
        // mistake changes the steps after the checkpoint (OpdKind is resumable because of this)
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(a.resolve("model/model.safetensors")),
                Files.readAllBytes(b.resolve("model/model.safetensors")), "bit-identical weights");
        assertEquals(Files.readAllLines(a.resolve("metrics.jsonl")).size(), Files.readAllLines(b.resolve("metrics.jsonl")).size());
        assertTrue(new OpdKind().resumable());
    }
}
