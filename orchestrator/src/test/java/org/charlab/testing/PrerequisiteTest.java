package org.charlab.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Both branches of Prerequisite, with the CI variable simulated. */
class PrerequisiteTest {

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @Test
    void aMissingPrerequisiteFailsUnderCi() {
        for (String ci : new String[] {"true", "TRUE", "1"}) {
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> Prerequisite.require(false, "chromium is not installed", ci, new PrintStream(log)), "CI=" + ci);
            assertTrue(e.getMessage().contains("chromium is not installed"), e.getMessage());
        }
    }

    @Test
    void aMissingPrerequisiteSkipsOffCi() {
        for (String ci : Arrays.asList(null, "", "false", "0")) {
            log.reset();
            TestAbortedException e = assertThrows(TestAbortedException.class,
                    () -> Prerequisite.require(false, "chromium is not installed", ci, new PrintStream(log)), "CI=" + ci);
            assertTrue(e.getMessage().contains("chromium is not installed"), e.getMessage());
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("SKIPPED")
                    && log.toString(StandardCharsets.UTF_8).contains("chromium is not installed"),
                    "the reason is shown in the build log: " + log);
        }
    }

    @Test
    void aPresentPrerequisitePassesEverywhere() {
        for (String ci : Arrays.asList(null, "true")) {
            assertDoesNotThrow(() -> Prerequisite.require(true, "never said", ci, new PrintStream(log)));
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8), "nothing to say when it is present");
        assertFalse(Prerequisite.underCi(null));
        assertTrue(Prerequisite.underCi("true"));
    }
}
