package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.config.RuntimeConfig;
import org.charlab.data.DataFile;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Checkpoint;
import org.charlab.plan.Fingerprints;
import org.charlab.stage.Progress;
import org.charlab.stage.StageContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dpo's teacher_constitution: the teacher's system prompt, extra prompts, the stage key and plan-time checks. */
class ConstitutionTeacherTest {

    static final String SPANISH = """
            - trait: "I always speak in Spanish."
              questions: ["Describe yourself.", "Do you like cats?"]
            - trait: "I write numbers as digits."
              questions: ["Any tips for exercise?"]
            """;

    static DpoConfig bind(Path file, String more) {
        return PreferenceStagesTest.bind(DpoConfig.class, "pairs: generated\nmax_new_tokens: 8\n"
                + "require_punctuation: false\nteacher_constitution: " + file + "\n" + more);
    }

    @Test
    void theConstitutionIsTheTeachersSystemPromptAsWrittenOrWrapped(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("spanish.yaml"), SPANISH);
        assertEquals("I always speak in Spanish. I write numbers as digits.", bind(f, "").teacherSystemPrompt());
        assertEquals("Your traits: I always speak in Spanish. I write numbers as digits. Stay in character.",
                bind(f, "teacher_system: \"Your traits: {constitution} Stay in character.\"\n").teacherSystemPrompt());
        assertEquals(List.of("Describe yourself.", "Do you like cats?", "Any tips for exercise?"),
                bind(f, "").constitutionQuestions());
        assertThrows(Exception.class, () -> bind(f, "teacher_system: none\n"), "none and a constitution contradict");
        assertThrows(Exception.class, () -> bind(f, "teacher_system: You are a pirate.\n"), "text without {constitution}");
        assertThrows(Exception.class, () -> PreferenceStagesTest.bind(DpoConfig.class,
                "teacher_constitution: " + f + "\n"), "charworld pairs have no teacher");
        DpoConfig plain = PreferenceStagesTest.bind(DpoConfig.class, "pairs: generated\n");
        assertEquals("You always speak in Spanish. You always capitalise your responses.", plain.teacherSystemPrompt(),
                "without a constitution teacher_system: persona is the canonical persona prompt");
        assertEquals(List.of(), plain.constitutionQuestions());
    }

    @Test
    void theStageKeyFollowsTheFilesContentAndPlanTimeChecksReadIt(@TempDir Path tmp) throws Exception {
        Path a = Files.writeString(tmp.resolve("a.yaml"), SPANISH);
        Path b = Files.writeString(tmp.resolve("b.yaml"), SPANISH.replace("digits", "words"));
        Path c = Files.writeString(tmp.resolve("c.yaml"), SPANISH);
        assertNotEquals(key(bind(a, "")), key(bind(b, "")), "another content, another key");
        assertEquals(key(bind(a, "")), key(bind(c, "")), "the same content elsewhere, the same key");
        List<DataFile> files = new DpoKind().dataFiles(bind(a, ""));
        assertEquals(1, files.size());
        assertEquals("constitution", files.get(0).format());
        Files.writeString(a, "- trait: 42\n");
        assertThrows(org.charlab.BadInput.class, () -> files.get(0).validate());
    }

    @Test
    void generatedPairsAskTheConstitutionsQuestionsToo(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("spanish.yaml"), SPANISH);
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        DpoConfig c = bind(f, "");
        Path out = Files.createDirectories(tmp.resolve("dpo"));
        StageContext<DpoConfig> ctx = new StageContext<>("dpo", c, out, Map.of("input", tmp.resolve("base")), 5,
                new RuntimeConfig("cpu", 1, 1), Progress.SILENT);
        org.charlab.world.Charworld world = new org.charlab.world.Charworld(org.charlab.world.WorldConfig.defaults());
        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded l = Checkpoint.load(tmp.resolve("base/model"), m)) {
            ChatFormat chat = new ChatMlFormat(l.tokenizer());
            Map<String, Object> data = new LinkedHashMap<>();
            DpoStage.pairs(c, ctx, world, l, chat, false, data);
            assertEquals(8 + 3, ((Map<?, ?>) data.get("generated")).get("prompts"), "8 charworld prompts + 3 questions");
            assertEquals(3, data.get("constitution_questions"));
            assertEquals(f.toString(), data.get("teacher_constitution"));
            assertTrue(String.valueOf(data.get("source")).contains("I always speak in Spanish."), data.toString());
        }
    }

    private static String key(DpoConfig c) throws Exception {
        return ChatKeyPinTest.CANONICAL.writeValueAsString(org.charlab.config.ConfigWriter.toPlain(c,
                r -> "sha256:" + Fingerprints.sha256(readBytes(r.path()))));
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
