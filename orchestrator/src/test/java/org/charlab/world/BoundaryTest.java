package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** charworld and the data formats stay engine-free: fast to test, readable without DJL. */
class BoundaryTest {

    @Test
    void worldAndDataNeverImportDjl() throws IOException {
        int files = 0;
        for (String pkg : List.of("world", "data")) {
            Path dir = Path.of("src/main/java/org/charlab", pkg);
            assertTrue(Files.isDirectory(dir), dir.toAbsolutePath().toString());
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                    files++;
                    assertEquals(-1, Files.readString(p).indexOf("ai.djl"), p + " imports ai.djl");
                }
            }
        }
        assertTrue(files > 20, "found " + files + " sources");
    }
}
