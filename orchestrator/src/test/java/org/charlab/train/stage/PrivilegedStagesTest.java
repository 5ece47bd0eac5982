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
}
