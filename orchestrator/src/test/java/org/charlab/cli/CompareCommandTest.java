package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.charlab.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {

    @TempDir
    Path dir;

    private Path sweep(String name, String prefix) throws Exception {
        Path exp = dir.resolve(name + ".yaml");
        Files.writeString(exp, "name: " + name + "\nstages:\n  ev: {type: synth-eval, prompt_prefix: " + prefix + "}\n"
                + "sweep:\n  seeds: [0, 1, 2]\n  arms:\n    low: {stages.ev.output_rate: 0.2}\n"
                + "    high: {stages.ev.output_rate: 0.8}\n");
        CliRun r = CliRun.of("run", exp.toString(), "--results", dir.resolve("results").toString(), "--in-process");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        try (Stream<Path> s = Files.list(dir.resolve("results").resolve(name))) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void armsAreAggregatedOverSeedsAndPairedAgainstTheBaseline() throws Exception {
        Path sweep = sweep("study", "p");
        CliRun r = CliRun.of("compare", sweep.toString(), "--metrics", "trait.caps.output_rate", "--baseline", "low",
                "--format", "json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertEquals(2, rows.size(), r.out());
        JsonNode high = rows.get(1);
        assertEquals("high", high.get("group").asText());
        assertEquals("3", high.get("seeds").asText());
        double est = high.get("estimate").asDouble();
        assertTrue(Math.abs(est - 0.8) < 0.1, "3 seeds x 40 prompts at a true rate of 0.8: " + est);
        assertTrue(high.get("low").asDouble() < est && est < high.get("high").asDouble());
        double delta = high.get("delta").asDouble();
        assertTrue(Math.abs(delta - 0.6) < 0.12, "paired difference near the true 0.6: " + delta);
        assertTrue(high.get("delta_low").asDouble() > 0.3, r.out());
        assertTrue(high.get("p").asDouble() < 0.01, r.out());
        assertEquals("", rows.get(0).get("delta").asText(), "the baseline is not compared with itself");
        assertEquals("korn-graubard", high.get("method").asText(), "a 0/1 rate over crossed seeds and prompts");
        assertEquals(3 * 40, high.get("n").asInt(), "3 seeds x 40 prompts");
    }

    private static JsonNode row(String json, String group) throws Exception {
        for (JsonNode n : new ObjectMapper().readTree(json)) {
            if (n.get("group").asText().equals(group)) {
                return n;
            }
        }
        throw new AssertionError("no row of group " + group + " in " + json);
    }

    @Test
    void differencesPairRunsOfTheSameSeedAndSayWhatWasDropped() throws Exception {
        Path sweep = sweep("study", "p");
        Path runs = sweep.resolve("runs");
        CliRun r = CliRun.of("compare", runs.resolve("high-s0").toString(), runs.resolve("high-s1").toString(),
                runs.resolve("low-s1").toString(), runs.resolve("low-s2").toString(), "--metrics",
                "trait.caps.output_rate", "--baseline", "low", "--format", "json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode high = row(r.out(), "high");
        assertTrue(high.get("note").asText().contains("paired on seeds [1]; seeds in one group only dropped: [0, 2]"),
                r.out());
        assertTrue(high.get("delta_low").asDouble() < high.get("delta").asDouble(), r.out());

        CliRun none = CliRun.of("compare", runs.resolve("high-s0").toString(), runs.resolve("low-s1").toString(),
                "--metrics", "trait.caps.output_rate", "--baseline", "low", "--format", "json");
        assertEquals(0, none.exitCode(), none.err());
        JsonNode single = row(none.out(), "high");
        assertEquals("", single.get("delta").asText(), none.out());
        assertTrue(single.get("note").asText().contains("not paired: no seed was run in both groups"), none.out());
        // One run: the same estimator, over prompts only (0/1 values: Korn-Graubard).
        assertEquals("korn-graubard", single.get("method").asText(), none.out());
    }

    @Test
    void theTextTableShowsIntervalsAndRunDirectoriesWork() throws Exception {
        Path sweep = sweep("study", "p");
        CliRun r = CliRun.of("compare", sweep.resolve("runs/high-s0").toString(), sweep.resolve("runs/low-s0").toString(),
                "--metrics", "trait.caps.*_rate", "--baseline", "low");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("trait.caps.output_rate"), r.out());
        assertTrue(r.out().contains("trait.caps.cot_rate"), r.out());
        assertTrue(r.out().matches("(?s).*high\\s+1\\s+0\\.\\d{3} \\[0\\.\\d{3}, 0\\.\\d{3}\\].*"), r.out());
    }

    @Test
    void differentPromptSetsAreNotPairedSilently() throws Exception {
        Path a = sweep("study", "p");
        Path b = sweep("other", "q");
        Path lowOther = b.resolve("runs/low-s0");
        CliRun r = CliRun.of("compare", a.resolve("runs/high-s0").toString(), lowOther.toString(),
                "--metrics", "trait.caps.output_rate", "--baseline", "low");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("not paired: evaluated on different prompts"), r.out());
    }

    @Test
    void withAGridTheBaselineArmIsTakenAtTheSameGridPoint() throws Exception {
        Path exp = dir.resolve("grid.yaml");
        Files.writeString(exp, """
                name: grid
                stages:
                  ev: {type: synth-eval}
                sweep:
                  seeds: [0, 1]
                  grid: {stages.ev.cot_rate: [0.1, 0.9]}
                  arms:
                    base: {}
                    other: {stages.ev.output_rate: 0.9}
                """);
        CliRun run = CliRun.of("run", exp.toString(), "--results", dir.resolve("results").toString(), "--in-process");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        Path sweep;
        try (Stream<Path> s = Files.list(dir.resolve("results").resolve("grid"))) {
            sweep = s.findFirst().orElseThrow();
        }
        CliRun r = CliRun.of("compare", sweep.toString(), "--metrics", "trait.caps.cot_rate", "--baseline", "base",
                "--format", "json");
        assertEquals(0, r.exitCode(), r.err());
        int paired = 0;
        for (JsonNode row : new ObjectMapper().readTree(r.out())) {
            if (row.get("group").asText().startsWith("other")) {
                // the CoT rate does not depend on the arm: paired within a grid point the difference is ~0;
                // paired across points it would be +-0.8
                assertTrue(Math.abs(row.get("delta").asDouble()) < 0.15, r.out());
                paired++;
            } else {
                assertEquals("", row.get("delta").asText(), "a baseline group is not compared with itself: " + r.out());
            }
        }
        assertEquals(2, paired, r.out());
    }

    @Test
    void badOptionsAreOneLine() throws Exception {
        Path sweep = sweep("study", "p");
        CliRun r = CliRun.of("compare", sweep.toString(), "--baseline", "nope");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--baseline 'nope' is not an arm or group of these runs: [low, high]"), r.err());
        CliRun f = CliRun.of("compare", sweep.toString(), "--format", "xml");
        assertEquals(2, f.exitCode());
        CliRun p = CliRun.of("compare", dir.toString());
        assertEquals(2, p.exitCode());
        assertTrue(p.err().contains("neither a sweep directory"), p.err());
    }
}
