package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.stats.ClusterBootstrap;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
import org.charlab.stats.Wilson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StatsCommandTest {

    @TempDir Path dir;

    record Result(int code, String out, String err) {
        List<JsonNode> json() throws IOException {
            List<JsonNode> rows = new ArrayList<>();
            for (String line : out.strip().split("\n")) {
                rows.add(new ObjectMapper().readTree(line));
            }
            return rows;
        }
    }

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    /** 30 prompts x 3 samples in two conditions; values depend on the prompt. */
    Path samples() throws IOException {
        StringBuilder s = new StringBuilder();
        for (String cond : new String[] {"plain", "inoculated"}) {
            for (int p = 0; p < 30; p++) {
                for (int j = 0; j < 3; j++) {
                    boolean hit = (p * 7 + j * 3 + cond.length()) % 5 < (p % 3 + 1);
                    s.append(String.format("{\"prompt_id\": \"q%d\", \"condition\": \"%s\", \"scores\": {\"trait\": %s}, "
                            + "\"score\": %d}%n", p, cond, hit, (p * 13 + j) % 101));
                }
            }
        }
        return write("samples.jsonl", s.toString());
    }

    @Test
    void jsonPerGroupWithClusterBootstrapReproducesTheLibraryCall() throws IOException {
        Path f = samples();
        Result r = run("stats", f.toString(), "--value", "scores.trait", "--cluster", "prompt_id", "--group", "condition",
                "--method", "percentile", "--resamples", "2000", "--seed", "5", "--json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = r.json();
        assertEquals(2, rows.size());
        JsonNode plain = rows.get(0);
        assertEquals("plain", plain.get("group").asText());
        for (String key : List.of("estimate", "low", "high", "method", "level", "resamples", "seed", "n")) {
            assertTrue(plain.has(key), key + " in " + plain);
        }
        assertEquals("percentile", plain.get("method").asText());
        assertEquals(0.95, plain.get("level").asDouble());
        assertEquals(2000, plain.get("resamples").asInt());
        assertEquals(5, plain.get("seed").asLong());
        assertEquals(90, plain.get("n").asInt());
        assertEquals(30, plain.get("units").asInt());
        assertEquals("cluster", plain.get("resampling").asText());

        // The same numbers straight from the library, with the same ids and seed.
        double[] x = new double[90];
        int[] ids = new int[90];
        for (int p = 0; p < 30; p++) {
            for (int j = 0; j < 3; j++) {
                x[p * 3 + j] = (p * 7 + j * 3 + 5) % 5 < (p % 3 + 1) ? 1 : 0;
                ids[p * 3 + j] = p;
            }
        }
        Interval direct = ClusterBootstrap.mean(x, ids, Method.PERCENTILE, 0.95, 2000, 5);
        assertEquals(direct.estimate(), plain.get("estimate").asDouble(), 1e-15);
        assertEquals(direct.low(), plain.get("low").asDouble(), 1e-15);
        assertEquals(direct.high(), plain.get("high").asDouble(), 1e-15);

        // Reproducible: the same command prints the same bytes.
        assertEquals(r.out(), run("stats", f.toString(), "--value", "scores.trait", "--cluster", "prompt_id", "--group",
                "condition", "--method", "percentile", "--resamples", "2000", "--seed", "5", "--json").out());
    }

    @Test
    void textTableIsAligned() throws IOException {
        Result r = run("stats", samples().toString(), "--value", "score", "--group", "condition", "--cluster", "prompt_id",
                "--resamples", "500");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("condition") && lines[0].contains("estimate"), lines[0]);
        int col = lines[0].indexOf("estimate") + "estimate".length();
        for (int i = 1; i <= 2; i++) {
            // Numbers are right-aligned under their header.
            assertEquals(' ', lines[i].charAt(col), lines[i]);
            assertTrue(Character.isDigit(lines[i].charAt(col - 1)), lines[i]);
        }
        assertTrue(lines[3].contains("bca bootstrap, level 0.95, 500 resamples, seed 0"), lines[3]);
    }

    @Test
    void csvWithQuotesBooleansAndSkippedValuesUnderWilson() throws IOException {
        Path f = write("rates.csv", "id,note,correct\n1,\"plain\",true\n2,\"has, comma\",false\n3,\"say \"\"hi\"\"\",1\n"
                + "4,\"two\nlines\",0\n5,x,\n6,y,TRUE\n");
        Result r = run("stats", f.toString(), "--value", "correct", "--method", "wilson", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode row = r.json().get(0);
        Interval expected = Wilson.interval(3, 5, 0.95);
        assertEquals(5, row.get("n").asInt());
        assertEquals(1, row.get("skipped").asInt());
        assertEquals(0.6, row.get("estimate").asDouble(), 1e-15);
        assertEquals(expected.low(), row.get("low").asDouble(), 1e-15);
        assertEquals(expected.high(), row.get("high").asDouble(), 1e-15);
        assertTrue(row.get("seed").isNull());
        assertFalse(row.has("group"));
    }

    @Test
    void emptyGroupIsUndefinedNotInfinity() throws IOException {
        Path f = write("g.jsonl", "{\"g\": \"a\", \"v\": 1}\n{\"g\": \"a\", \"v\": 3}\n{\"g\": \"b\", \"v\": null}\n");
        Result text = run("stats", f.toString(), "--value", "v", "--group", "g", "--resamples", "100");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("undefined (no observations)"), text.out());
        assertFalse(text.out().contains("Infinity") || text.out().contains("NaN"), text.out());
        Result json = run("stats", f.toString(), "--value", "v", "--group", "g", "--resamples", "100", "--json");
        JsonNode b = json.json().get(1);
        assertEquals("b", b.get("group").asText());
        assertTrue(b.get("estimate").isNull());
        assertEquals("no observations", b.get("undefined").asText());
        assertEquals(1, b.get("skipped").asInt());
    }

    private void assertBadInput(Result r, String... fragments) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("", r.out());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "'" + f + "' in: " + err);
        }
    }

    @Test
    void badInputIsOneLineWithExitCode2() throws IOException {
        Path json = write("s.jsonl", "{\"v\": 1, \"p\": \"a\"}\n\n{\"v\": \"abc\", \"p\": \"b\"}\n");
        Path csv = write("s.csv", "v,p\n1,a\n0.5,b\n");
        assertBadInput(run("stats", dir.resolve("missing.jsonl").toString()), "missing.jsonl", "no such file");
        assertBadInput(run("stats", json.toString(), "--value", "w"), "s.jsonl:1:", "no field 'w'");
        assertBadInput(run("stats", csv.toString(), "--value", "w"), "s.csv:1:", "no column 'w'", "columns: v, p");
        assertBadInput(run("stats", json.toString(), "--value", "v"), "s.jsonl:3:", "'v' is not a number", "abc");
        assertBadInput(run("stats", csv.toString(), "--value", "v", "--level", "1.5"), "--level", "between 0 and 1");
        assertBadInput(run("stats", csv.toString(), "--value", "v", "--level", "0"), "--level");
        assertBadInput(run("stats", csv.toString(), "--value", "v", "--method", "wilson"), "s.csv:3:", "wilson", "0/1");
        assertBadInput(run("stats", csv.toString(), "--value", "v", "--method", "t"), "--method", "percentile, bca, wilson");
        assertBadInput(run("stats", csv.toString(), "--value", "v", "--method", "wilson", "--cluster", "p"), "--cluster");
        assertBadInput(run("stats", csv.toString(), "--value", "v", "--resamples", "0"), "--resamples");
        assertBadInput(run("stats", json.toString(), "--value", "v", "--cluster", "q"), "s.jsonl:1:", "no field 'q'");
        Path broken = write("b.jsonl", "{\"v\": 1}\n{\"v\": 2\n");
        assertBadInput(run("stats", broken.toString(), "--value", "v"), "b.jsonl:2:", "not valid JSON");
        Path ragged = write("r.csv", "v,p\n1,a\n2\n");
        assertBadInput(run("stats", ragged.toString(), "--value", "v"), "r.csv:3:", "1 fields");
        Path nan = write("n.csv", "v\n1\nNaN\n");
        assertBadInput(run("stats", nan.toString(), "--value", "v"), "n.csv:3:", "not a number");
        // A value picocli itself cannot convert is a usage error: also exit 2.
        assertEquals(2, run("stats", csv.toString(), "--level", "high").code());
    }

    /**
     * Arms "trained" (A) and "none" (B) of src/test/resources/stats/crossed_reference.py: 3 seeds x
     * 4 prompts x 2 samples each, plus a seed 3 that only "none" has. The expected numbers below were
     * printed by that script (numpy / scipy).
     */
    Path crossedSamples() throws IOException {
        double[][][][] arms = {
            {{{1, 3}, {2, 2}, {5, 7}, {0, 4}}, {{2, 4}, {3, 5}, {6, 6}, {1, 1}}, {{3, 5}, {7, 7}, {12, 8}, {5, 9}}},
            {{{1, 1}, {2, 0}, {4, 4}, {0, 0}}, {{1, 3}, {2, 2}, {6, 4}, {0, 2}}, {{1, 1}, {2, 4}, {5, 5}, {1, 3}},
                {{9, 9}, {9, 9}, {9, 9}, {9, 9}}}};
        String[] names = {"trained", "none"};
        StringBuilder out = new StringBuilder();
        for (int a = 0; a < 2; a++) {
            for (int seed = 0; seed < arms[a].length; seed++) {
                for (int p = 0; p < 4; p++) {
                    for (double v : arms[a][seed][p]) {
                        out.append(String.format("{\"arm\": \"%s\", \"seed\": %d, \"prompt_id\": \"q%d\", "
                                + "\"score\": %s}%n", names[a], 100 + seed, p, v));
                    }
                }
            }
        }
        return write("crossed.jsonl", out.toString());
    }

    @Test
    void replicateGivesTheCrossedIntervalAndPairedDifference() throws IOException {
        Result r = run("stats", crossedSamples().toString(), "--value", "score", "--cluster", "prompt_id",
                "--replicate", "seed", "--group", "arm", "--baseline", "none", "--json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = r.json();
        JsonNode trained = rows.get(0);
        assertEquals("trained", trained.get("group").asText());
        assertEquals("t", trained.get("method").asText());
        assertEquals(4.5, trained.get("estimate").asDouble(), 1e-12);
        assertEquals(0.06968877132471096, trained.get("low").asDouble(), 1e-8);
        assertEquals(8.93031122867529, trained.get("high").asDouble(), 1e-8);
        assertEquals("seed", trained.get("replicate").asText());
        JsonNode d = trained.get("difference");
        assertEquals(2.25, d.get("estimate").asDouble(), 1e-12);
        assertEquals(-2.106873079414119, d.get("low").asDouble(), 1e-8);
        assertEquals(6.606873079414119, d.get("high").asDouble(), 1e-8);
        assertEquals(0.156130403731204, d.get("p_value").asDouble(), 1e-9);
        assertTrue(d.get("resampling").asText().contains("1 seed in one arm only dropped"), d.toString());
        JsonNode none = rows.get(1);
        assertEquals("none", none.get("group").asText());
        assertFalse(none.has("difference"), "the baseline has no difference from itself");
        assertEquals(16, none.get("units").asInt(), "4 seeds x 4 prompts: 16 cells");

        Result text = run("stats", crossedSamples().toString(), "--value", "score", "--cluster", "prompt_id",
                "--replicate", "seed", "--group", "arm", "--baseline", "none");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("2.2500"), text.out());
        assertTrue(text.out().contains("0.1561"), text.out());
        assertTrue(text.out().contains("paired on seed and prompt_id"), text.out());
    }

    @Test
    void replicateOptionsAreCheckedWithOneLine() throws IOException {
        Path f = crossedSamples();
        assertBadInput(run("stats", f.toString(), "--value", "score", "--cluster", "prompt_id", "--replicate", "seed",
                "--group", "arm", "--baseline", "control"), "--baseline 'control'", "not a value of --group arm",
                "trained, none");
        assertBadInput(run("stats", f.toString(), "--value", "score", "--replicate", "seed"), "--replicate needs --cluster");
        assertBadInput(run("stats", f.toString(), "--value", "score", "--cluster", "prompt_id", "--group", "arm",
                "--baseline", "none"), "--baseline needs --replicate");
        assertBadInput(run("stats", f.toString(), "--value", "score", "--cluster", "prompt_id", "--replicate", "seed",
                "--method", "bca"), "--method does not apply with --replicate");
        assertBadInput(run("stats", f.toString(), "--value", "score", "--cluster", "prompt_id", "--replicate", "run"),
                "crossed.jsonl:1:", "no field 'run'");
    }

    @Test
    void helpListsTheOptions() {
        Result r = run("stats", "--help");
        assertEquals(0, r.code());
        for (String o : List.of("--value", "--cluster", "--replicate", "--baseline", "--group", "--method", "--level", "--resamples", "--seed", "--json")) {
            assertTrue(r.out().contains(o), o);
        }
        assertTrue(run("--help").out().contains("stats"));
    }
}
