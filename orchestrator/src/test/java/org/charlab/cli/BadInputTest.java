package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.charlab.testing.CliRun;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input: exit 2, one line naming where and what, nothing created under results/. */
class BadInputTest {

    private static final String OK = "name: e\nstages:\n  a: {type: count}\n  b: {type: count}\n";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("malformed YAML", "name: e\nstages: [\n  a: {type: count\n", List.of(), "e.yaml:", "malformed YAML"),
                Arguments.of("unknown key", OK + "sweep: {seeds: [1], armz: {}}\n", List.of(), "e.yaml:5:", "did you mean 'arms'?"),
                Arguments.of("wrong type", OK.replace("a: {type: count}", "a: {type: count, value: lots}"), List.of(),
                        "e.yaml:3:", "stages.a.value: expected a number, found the string 'lots'"),
                Arguments.of("out of range", OK.replace("a: {type: count}", "a: {type: count, rate: -0.5}"), List.of(),
                        "e.yaml:3:", "stages.a.rate: must be >= 0 and <= 1, found -0.5"),
                Arguments.of("missing data file", OK.replace("a: {type: count}", "a: {type: count, data: gone.jsonl}"),
                        List.of(), "e.yaml:3:", "no such file or directory"),
                Arguments.of("missing extends fragment", "extends: nowhere.yaml\n" + OK, List.of(), "e.yaml:1:", "no such file"),
                Arguments.of("cyclic extends", "extends: e.yaml\n" + OK, List.of(), "e.yaml:1:", "cyclic extends"),
                Arguments.of("alias bomb", "name: e\nx: &a [1, 1, 1, 1, 1, 1, 1, 1]\ny: [*a, *a, *a, *a, *a, *a, *a]\n" + OK.substring(8),
                        List.of(), "e.yaml:2:", "anchors and aliases"),
                Arguments.of("arm escaping results", OK + "sweep:\n  arms:\n    ../x: {}\n", List.of(), "e.yaml:7:",
                        "arm name '../x' must be"),
                Arguments.of("absolute arm name", OK + "sweep:\n  arms:\n    /tmp/x: {}\n", List.of(), "e.yaml:7:",
                        "arm name '/tmp/x' must be"),
                Arguments.of("experiment name escaping results", OK.replace("name: e", "name: ../../etc"), List.of(),
                        "e.yaml:1:", "name '../../etc' must be"),
                Arguments.of("duplicate arm names", OK + "sweep:\n  arms:\n    a: {}\n    a: {stages.a.value: 2}\n", List.of(),
                        "e.yaml:8:", "duplicate key 'a'"),
                Arguments.of("empty sweep", OK + "sweep: {seeds: []}\n", List.of(), "e.yaml:5:", "at least one seed"),
                Arguments.of("empty grid axis", OK + "sweep: {grid: {stages.a.value: []}}\n", List.of(), "e.yaml:5:",
                        "the list is empty"),
                Arguments.of("zip lists of different lengths", OK + "sweep:\n  zip: {stages.a.value: [1, 2], stages.b.value: [1]}\n",
                        List.of(), "e.yaml:6:", "must be equally long"),
                Arguments.of("bad arm override", OK + "sweep:\n  arms:\n    x: {stages.a.value: lots}\n", List.of(), "e.yaml:7:",
                        "stages.a.value: expected a number"),
                Arguments.of("bad command-line override", OK, List.of("stages.a.value=lots"), "command line 'stages.a.value=lots'",
                        "expected a number"),
                Arguments.of("reference to a later stage", OK.replace("a: {type: count}", "a: {type: count, reference: b}"),
                        List.of(), "e.yaml:3:", "no earlier stage named 'b'"),
                Arguments.of("unknown stage type", OK.replace("a: {type: count}", "a: {type: cuont}"), List.of(), "e.yaml:3:",
                        "did you mean 'count'?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGivesOneLineExitTwoAndWritesNothing(String what, String yaml, List<String> overrides, String where,
            String problem, @TempDir Path dir) throws Exception {
        Path exp = dir.resolve("e.yaml");
        Files.writeString(exp, yaml);
        Path results = dir.resolve("results");
        List<String> args = new ArrayList<>(List.of("run", exp.toString(), "--results", results.toString()));
        args.addAll(overrides);
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, r.exitCode(), what + ": " + r.err());
        assertEquals(1, r.errLines().size(), "one line: " + r.err());
        String line = r.errLines().get(0);
        assertTrue(line.contains(where), what + " names the place: " + line);
        assertTrue(line.contains(problem), what + " says the problem: " + line);
        assertFalse(line.contains("Exception"), "no stack trace: " + line);
        assertFalse(Files.exists(results), "nothing created under results/");
    }

    @ParameterizedTest(name = "missing experiment file via {0}")
    @MethodSource("commands")
    void missingExperimentFile(String command, @TempDir Path dir) {
        CliRun r = CliRun.of(command, dir.resolve("nope.yaml").toString());
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.errLines().get(0).contains("nope.yaml: no such file"), r.err());
    }

    static Stream<String> commands() {
        return Stream.of("validate", "plan", "run");
    }
}
