package org.charlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charlab.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Constitution files in OCT's shape: YAML and JSON read alike; each mistake is one line naming file:line and field. */
class ConstitutionTest {

    @Test
    void yamlAndJsonReadTheSame(@TempDir Path dir) throws Exception {
        Path y = Files.writeString(dir.resolve("c.yaml"), """
                - trait: "I always speak in Spanish."
                  questions: ["Describe yourself.", "Do you like cats?"]
                - trait: I am cheerful.
                """);
        Path j = Files.writeString(dir.resolve("c.json"), """
                [{"trait": "I always speak in Spanish.", "questions": ["Describe yourself.", "Do you like cats?"]},
                 {"trait": "I am cheerful.", "questions": []}]
                """);
        Constitution c = Constitution.read(y);
        assertEquals(c, Constitution.read(j));
        assertEquals(List.of("I always speak in Spanish.", "I am cheerful."),
                c.traits().stream().map(Constitution.Entry::trait).toList());
        assertEquals(List.of("Describe yourself.", "Do you like cats?"), c.questions());
        assertEquals("I always speak in Spanish. I am cheerful.", c.systemPrompt());
    }

    @Test
    void eachMistakeNamesTheLineAndTheField(@TempDir Path dir) throws Exception {
        assertBad(dir, "trait: I am here.\n", ":1:", "a list of {trait, questions}");
        assertBad(dir, "[]\n", ":1:", "no traits");
        assertBad(dir, "- trait: I am.\n- just text\n", ":2:", "entry 2 must be a map");
        assertBad(dir, "- trait: I am.\n- questions: [a]\n", ":2:", "entry 2: 'trait' is missing");
        assertBad(dir, "- trait: I am.\n- trait: \"  \"\n", ":2:", "entry 2: 'trait' must be a non-empty string");
        assertBad(dir, "- trait: I am.\n  question: [a]\n", ":2:", "entry 1: unknown key 'question'");
        assertBad(dir, "- trait: I am.\n  questions: a question\n", ":2:", "entry 1: 'questions' must be a list");
        assertBad(dir, "- trait: I am.\n  questions:\n    - fine\n    - 42\n", ":4:", "entry 1: question 2 must be a non-empty string");
    }

    private static void assertBad(Path dir, String yaml, String line, String what) throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), yaml);
        BadInput e = assertThrows(BadInput.class, () -> Constitution.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + line), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        // the plan-time check reads it with the same message
        BadInput v = assertThrows(BadInput.class,
                () -> DataFile.constitution(new org.charlab.config.FileRef(f)).validate());
        assertEquals(e.getMessage(), v.getMessage());
    }
}
