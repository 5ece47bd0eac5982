package org.charlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.stage.StageCatalog;
import org.charlab.stage.StageKind;
import org.charlab.testing.CliRun;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    static final Path REFERENCE = Path.of("../docs/config-reference.md");

    /** The reference as generated from the shipped stage kinds (test-only kinds left out). */
    static String generated() {
        List<ConfigDocs.StageType> types = new ArrayList<>();
        for (StageKind<?> k : StageCatalog.load().all()) {
            if (!k.getClass().getProtectionDomain().getCodeSource().getLocation().getPath().contains("test-classes")) {
                types.add(new ConfigDocs.StageType(k.type(), k.summary(), k.configType()));
            }
        }
        return new ConfigDocs(types).markdown();
    }

    @Test
    void docsConfigReferenceIsUpToDate() throws Exception {
        String expected = generated();
        String actual = Files.exists(REFERENCE) ? Files.readString(REFERENCE) : "";
        if (System.getenv("CHARLAB_WRITE_REFERENCE") != null) {
            Files.writeString(REFERENCE, expected);
            actual = expected;
        }
        assertEquals(expected, actual, "docs/config-reference.md is stale: regenerate it with "
                + "CHARLAB_WRITE_REFERENCE=1 mvn -B test -Dtest=ConfigReferenceTest");
    }

    @Test
    void everySettingHasADocAndEveryDefaultBinds() {
        ConfigDocs docs = new ConfigDocs(List.of());
        for (ConfigDocs.Entry e : docs.entries()) {
            assertFalse(e.doc().isBlank(), e.path());
        }
    }

    @Test
    void explainPrintsTheDocumentationOfAField() {
        CliRun r = CliRun.of("explain", "sweep.seeds");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("type:    list of integer"), r.out());
        assertTrue(r.out().contains("default: [0]"), r.out());
        CliRun stageField = CliRun.of("explain", "count.rate");
        assertTrue(stageField.out().contains("stages.<name>[type=count].rate"), stageField.out());
        assertTrue(stageField.out().contains("range:   >= 0 and <= 1"), stageField.out());
        CliRun typo = CliRun.of("explain", "sweep.sedes");
        assertEquals(2, typo.exitCode());
        assertTrue(typo.err().contains("did you mean 'sweep.seeds'?"), typo.err());
    }

    @Test
    void runHelpPointsToTheReference() {
        CliRun r = CliRun.of("run", "--help");
        assertTrue(r.out().contains("--if-exists"), r.out());
        assertTrue(r.out().contains("charlab explain"), r.out());
    }
}
