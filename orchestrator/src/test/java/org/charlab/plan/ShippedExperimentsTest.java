package org.charlab.plan;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.charlab.config.ConfigLoader;
import org.charlab.stage.StageCatalog;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every experiment in experiments/ plans (loads, merges, expands and validates every run) and says what it is. */
class ShippedExperimentsTest {

    static Stream<Path> experiments() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("../experiments"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("experiments")
    void plansAndDescribesItself(Path file) {
        Plan p = new Planner(StageCatalog.load()).plan(file, List.of(), null);
        assertFalse(p.runs().isEmpty());
        assertFalse(ConfigLoader.describe(file).isBlank(), file + " has a description: line for charlab list");
        assertTrue(p.stages().values().stream().allMatch(s -> s.key().startsWith(s.type() + "-")));
    }
}
