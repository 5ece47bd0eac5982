package org.charlab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** org.charlab.stats must never depend on DJL: statistics stay fast to load and engine-free. */
class EngineFreeTest {

    @Test
    void noSourceInThePackageMentionsDjl() throws IOException {
        Path dir = Path.of("src/main/java/org/charlab/stats");
        assertTrue(Files.isDirectory(dir), "run from the orchestrator module: " + dir.toAbsolutePath());
        List<Path> offenders;
        try (Stream<Path> files = Files.list(dir)) {
            offenders = files.filter(f -> {
                try {
                    return Files.readString(f).contains("ai.djl");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertEquals(List.of(), offenders);
    }
}
