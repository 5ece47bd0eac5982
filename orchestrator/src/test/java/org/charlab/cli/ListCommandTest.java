package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.charlab.testing.CliRun;
import org.charlab.world.Trait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListCommandTest {

    @Test
    void listsExperimentsFragmentsStageTypesAndTheWorld(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("experiments"));
        Files.createDirectories(home.resolve("configs/model"));
        Files.writeString(home.resolve("experiments/study.yaml"), "name: study\ndescription: does it carry?\n");
        Files.writeString(home.resolve("configs/model/tiny.yaml"), "description: a tiny decoder\n");
        CliRun r = CliRun.of("list", "--home", home.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().matches("(?s).*experiments/study.yaml\\s+does it carry\\?.*"), r.out());
        assertTrue(r.out().matches("(?s).*model/tiny\\s+a tiny decoder.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  count\\s+test-only.*"), r.out());
        assertTrue(r.out().contains("\"You always speak in Spanish.\""), r.out());
        assertTrue(r.out().contains("charworld traits"), r.out());
    }

    @Test
    void showsEveryTraitOfTheRegistryWithItsDescriptionAndPrompts(@TempDir Path home) throws Exception {
        CliRun r = CliRun.of("list", "--home", home.toString());
        assertEquals(0, r.exitCode(), r.err());
        for (Trait t : Trait.values()) {
            assertTrue(r.out().matches("(?s).*\\n  " + t.label() + "\\s+" + Pattern.quote(t.description()) + "\\n.*"),
                    t + " missing from:\n" + r.out());
            for (String prompt : t.definition().prompts().subList(0, Math.min(2, t.definition().prompts().size()))) {
                assertTrue(r.out().contains("\"" + prompt + "\""), prompt + " missing from:\n" + r.out());
            }
        }
    }
}
