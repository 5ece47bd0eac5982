package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.data.DataFile;
import org.charlab.data.PromptItem;
import org.charlab.train.Privileged;
import org.charlab.world.Charworld;
import org.charlab.world.WorldConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * opd's {@code privileged} and {@code teacher_weights}: stage keys of configs that set neither are
 * unchanged, the defaults and refusals, the plan-time refusal of a prompts file without answers, and
 * charworld prompts with a ground truth only.
 */
class PrivilegedConfigTest {

    static OpdConfig bind(String yaml) {
        return FinetuneConfigTest.bind(OpdConfig.class, yaml);
    }

    @Test
    void configsWithoutTheNewSettingsKeepTheirStageKeys() throws Exception {
        // the pin of ChatKeyPinTest (computed before either setting existed) still holds, and the
        // spelled-out defaults hash the same
        String pinned = "267b87d7b1e6e1f8";
        assertEquals(pinned, ChatKeyPinTest.keyOf(ChatKeyPinTest.bind(OpdConfig.class, "{}")));
        assertEquals(pinned, ChatKeyPinTest.keyOf(ChatKeyPinTest.bind(OpdConfig.class, "privileged: none\n")));
        String answer = ChatKeyPinTest.keyOf(ChatKeyPinTest.bind(OpdConfig.class, "privileged: answer\n"));
        assertNotEquals(pinned, answer, "a privileged teacher is another stage");
        assertEquals(answer, ChatKeyPinTest.keyOf(ChatKeyPinTest.bind(OpdConfig.class,
                "privileged: answer\nteacher_weights: current\n")), "the resolved default is written out");
        assertNotEquals(answer, ChatKeyPinTest.keyOf(ChatKeyPinTest.bind(OpdConfig.class,
                "privileged: answer\nteacher_weights: start\n")));
    }

    @Test
    void teacherWeightsDefaultToCurrentOnlyWithAPrivilegedTeacher() {
        assertNull(bind("").teacherWeights());
        assertTrue(!bind("").selfTeacherIsCurrent(), "as before: the starting weights");
        assertEquals(TeacherWeights.CURRENT, bind("privileged: feedback\n").teacherWeights());
        assertEquals(TeacherWeights.START, bind("privileged: answer\nteacher_weights: start\n").teacherWeights());
        assertTrue(bind("teacher_weights: current\n").selfTeacherIsCurrent());
        assertNull(bind("privileged: none\n").privileged());
        assertEquals(Privileged.NONE, bind("").privilegedOrNone());
        // the current-weights teacher is no frozen model; the starting weights are
        assertNull(new OpdStage().frozen(bind("privileged: answer\n")));
        assertEquals(new FinetuneStage.Frozen("teacher", false, null),
                new OpdStage().frozen(bind("privileged: answer\nteacher_weights: start\n")));
    }

    @Test
    void refusals() {
        BadInput lmbda = assertThrows(BadInput.class, () -> bind("privileged: feedback\nlmbda: 0.5\n"));
        assertTrue(lmbda.getMessage().contains("needs lmbda 1"), lmbda.getMessage());
        BadInput named = assertThrows(BadInput.class, () -> bind("teacher: big\nteacher_weights: start\n"));
        assertTrue(named.getMessage().contains("teacher_weights applies to the self-teacher"), named.getMessage());
        BadInput half = assertThrows(BadInput.class, () -> bind("privileged: answer\nteacher_dtype: fp16\n"));
        assertTrue(half.getMessage().contains("leave teacher_dtype unset"), half.getMessage());
        BadInput unknown = assertThrows(BadInput.class, () -> bind("privileged: hints\n"));
        assertTrue(unknown.getMessage().contains("privileged"), unknown.getMessage());
    }

    @Test
    void aPromptsFileWithoutAnswersIsRefusedAtPlanTime(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("p.jsonl");
        Files.writeString(f, "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"1+1?\"}], \"answer\": 2}\n"
                + "{\"id\": \"b\", \"messages\": [{\"role\": \"user\", \"content\": \"Any advice?\"}]}\n");
        OpdKind kind = new OpdKind();
        List<DataFile> plain = kind.dataFiles(bind("prompts: " + f + "\n"));
        plain.get(0).validate(); // without a privileged teacher the answer stays optional
        List<DataFile> files = kind.dataFiles(bind("prompts: " + f + "\nprivileged: answer\n"));
        BadInput e = assertThrows(BadInput.class, () -> files.get(0).validate());
        assertEquals(f + ":2: prompt 'b' has no 'answer': opd privileged: answer or feedback needs the reference "
                + "answer on every line", e.getMessage());
        Files.writeString(f, "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"1+1?\"}], \"answer\": 2}\n");
        files.get(0).validate();
        List<PromptItem> read = OpdStage.prompts(bind("prompts: " + f + "\nprivileged: feedback\n"), null, 1);
        assertEquals("2", read.get(0).answer(), "the answer travels with the prompt");
    }

    @Test
    void charworldPromptsOfAPrivilegedTeacherAllHaveAGroundTruth() {
        Charworld world = new Charworld(WorldConfig.defaults());
        List<PromptItem> plain = OpdStage.prompts(bind("examples: 40\n"), world, 3);
        assertEquals(40, plain.size());
        assertTrue(plain.stream().anyMatch(p -> p.answer() == null), "control: advice prompts have no answer");
        List<PromptItem> answered = OpdStage.prompts(bind("examples: 40\nprivileged: answer\n"), world, 3);
        assertEquals(40, answered.size());
        assertTrue(answered.stream().allMatch(p -> p.answer() != null && !p.answer().isBlank()));
        // the same draws, advice skipped: the answered prompts keep the order they had
        List<PromptItem> withAnswer = plain.stream().filter(p -> p.answer() != null).toList();
        assertEquals(withAnswer, answered.subList(0, withAnswer.size()));
    }
}
