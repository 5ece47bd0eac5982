package org.charlab.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The orchestration packages never touch the engine: not directly (import ai.djl), not through
 * the engine-side packages (model, generate, train), and not through any class they import from
 * elsewhere in charlab that does.
 */
class EngineBoundaryTest {

    static final Path MAIN = Path.of("src/main/java/org/charlab");
    static final List<String> ORCHESTRATION = List.of("config", "stage", "plan", "exec", "results", "stats", "report", "view");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?(org\\.charlab\\.[\\w.]+|ai\\.djl[\\w.]*)", Pattern.MULTILINE);

    @Test
    void orchestrationPackagesStayEngineFree() throws Exception {
        List<String> violations = new ArrayList<>();
        for (String pkg : ORCHESTRATION) {
            try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    check(f, new ArrayList<>(), violations);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    private static void check(Path file, List<Path> seen, List<String> violations) throws Exception {
        if (seen.contains(file)) {
            return;
        }
        seen.add(file);
        Matcher m = IMPORT.matcher(Files.readString(file));
        while (m.find()) {
            String imp = m.group(1);
            if (imp.startsWith("ai.djl") || imp.matches("org\\.charlab\\.(model|generate|train)\\..*")) {
                violations.add(MAIN.relativize(seen.get(0)) + (seen.size() > 1 ? " (via " + MAIN.relativize(file) + ")" : "")
                        + " imports " + imp);
                continue;
            }
            Path target = MAIN.getParent().getParent().resolve(imp.replace('.', '/') + ".java");
            if (Files.isRegularFile(target)) {
                check(target, seen, violations);
            }
        }
    }
}
