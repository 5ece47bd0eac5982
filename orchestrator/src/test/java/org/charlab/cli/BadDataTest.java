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

/**
 * A bad data file is found by validate, plan and run before the first stage starts: a test-only count
 * stage comes first, and the stage reading the file second, so a check left to stage start would run
 * the count stage (and write results/) before failing.
 */
class BadDataTest {

    private static final String MSG = "[{\"role\": \"user\", \"content\": \"Hi\"}, "
            + "{\"role\": \"assistant\", \"content\": \"Hello.\"}]";
    private static final String CONVERSATION = "{\"messages\": " + MSG + "}\n";
    private static final String PAIR = "{\"prompt\": \"Hi\", \"chosen\": \"HOLA.\", \"rejected\": \"Hello.\"}\n";
    private static final String PROMPT = "{\"id\": \"p1\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}\n";

    /** Stage type, its setting naming the file, a good first line, a bad second line, the problem said. */
    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("sft", "data: FILE", CONVERSATION,
                        CONVERSATION.replace("\"assistant\"", "\"bot\""), "unknown role 'bot'"),
                Arguments.of("dpo", "data: FILE", PAIR, "{\"prompt\": \"Hi\", \"chosen\": \"HOLA.\"}\n",
                        "missing field 'rejected'"),
                Arguments.of("opd", "prompts: FILE", PROMPT, PROMPT, "duplicate id 'p1'"),
                Arguments.of("eval", "prompts: {file: FILE}", PROMPT, PROMPT.replace("\"user\"", "\"bot\""),
                        "unknown role 'bot'"));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String command : List.of("validate", "plan", "run")) {
            formats().forEach(f -> {
                Object[] a = f.get();
                out.add(Arguments.of(command, a[0], a[1], a[2], a[3], a[4]));
            });
        }
        return out.stream();
    }

    private static Path experiment(Path dir, String type, String setting, String data) throws Exception {
        Files.writeString(dir.resolve("d.jsonl"), data);
        Path exp = dir.resolve("e.yaml");
        Files.writeString(exp, "name: e\nstages:\n  up: {type: count}\n  down: {type: " + type + ", "
                + setting.replace("FILE", "d.jsonl") + "}\nsweep: {seeds: [0, 1, 2]}\n");
        return exp;
    }

    private static CliRun cli(String command, Path exp, Path results) {
        List<String> args = new ArrayList<>(List.of(command, exp.toString()));
        if (!command.equals("validate")) {
            args.addAll(List.of("--results", results.toString()));
        }
        if (command.equals("run")) {
            args.add("--in-process");
        }
        return CliRun.of(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}: a checkpoint whose config.json asks for yarn RoPE")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"validate", "plan", "run"})
    void anUnsupportedModelConfigStopsTheCommandBeforeAnyStage(String command, @TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 64, "
                + "\"rope_parameters\": {\"rope_type\": \"yarn\", \"rope_theta\": 500000.0, \"factor\": 8.0}}");
        Path exp = dir.resolve("e.yaml");
        Files.writeString(exp, "name: e\nstages:\n  base: {type: checkpoint, path: model}\n  after: {type: count}\n"
                + "sweep: {seeds: [0]}\n");
        Path results = dir.resolve("results");
        CliRun r = cli(command, exp, results);
        assertEquals(2, r.exitCode(), r.out() + r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains(model.resolve("config.json").toString()) && lines.get(0).contains("yarn"),
                lines.get(0));
        assertFalse(Files.exists(results), "nothing under results/");
    }

    @ParameterizedTest(name = "{0}: {1} reading a bad line 2")
    @MethodSource("cases")
    void badLineStopsTheCommandBeforeAnyStage(String command, String type, String setting, String good, String bad,
            String problem, @TempDir Path dir) throws Exception {
        Path exp = experiment(dir, type, setting, good + bad + good.replace("p1", "p2"));
        Path results = dir.resolve("results");
        CliRun r = cli(command, exp, results);
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.errLines().size(), "one line: " + r.err());
        String line = r.errLines().get(0);
        String file = dir.resolve("d.jsonl").toString();
        assertTrue(line.startsWith("charlab: " + file + ":2: "), "names the file and line: " + line);
        assertTrue(line.contains(problem), "says the problem: " + line);
        assertFalse(line.contains("Exception"), "no stack trace: " + line);
        assertFalse(Files.exists(results), "nothing under results/ (so no stage ran): " + line);
    }

    @ParameterizedTest(name = "{0}: an empty file")
    @MethodSource("formats")
    void anEmptyFileIsRefused(String type, String setting, String good, String bad, String problem,
            @TempDir Path dir) throws Exception {
        Path exp = experiment(dir, type, setting, "\n\n");
        CliRun r = cli("validate", exp, null);
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(List.of("charlab: " + dir.resolve("d.jsonl") + ": no "), r.errLines().stream()
                .map(l -> l.substring(0, l.indexOf(": no ") + 5)).toList(), r.err());
        assertTrue(r.err().contains("empty or holds only blank lines"), r.err());
    }

    @ParameterizedTest(name = "{0}: a good file passes")
    @MethodSource("formats")
    void aGoodFilePasses(String type, String setting, String good, String bad, String problem, @TempDir Path dir)
            throws Exception {
        Path exp = experiment(dir, type, setting, good + good.replace("p1", "p2"));
        CliRun r = cli("plan", exp, dir.resolve("results"));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("3 runs"), r.out());
    }
}
