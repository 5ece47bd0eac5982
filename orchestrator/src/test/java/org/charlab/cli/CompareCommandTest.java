package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

    private Path sweepWithSeeds(String name, String seeds, String sweepId) throws Exception {
        Path exp = dir.resolve(name + "-" + sweepId + ".yaml");
        Files.writeString(exp, "name: " + name + "\nstages:\n  ev: {type: synth-eval}\n"
                + "sweep:\n  seeds: " + seeds + "\n  arms:\n    low: {stages.ev.output_rate: 0.2}\n"
                + "    high: {stages.ev.output_rate: 0.8}\n");
        CliRun r = CliRun.of("run", exp.toString(), "--results", dir.resolve("results").toString(), "--in-process",
                "--sweep-id", sweepId);
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return dir.resolve("results").resolve(name).resolve(sweepId);
    }

    private static Map<String, JsonNode> byGroup(String json) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode row : new ObjectMapper().readTree(json)) {
            assertNull(out.put(row.get("group").asText(), row), "one row per group: " + json);
        }
        return out;
    }

    @Test
    void groupsOfDifferentExperimentsStayApartUnlessPooled() throws Exception {
        // the same study rerun under another name: every eval stage has the same key, so the same results
        Path study = sweep("study", "p");
        Path rerun = sweep("rerun", "p");
        CliRun apart = CliRun.of("compare", study.toString(), rerun.toString(), "--metrics", "trait.caps.output_rate",
                "--baseline", "low", "--format", "json");
        assertEquals(0, apart.exitCode(), apart.err());
        Map<String, JsonNode> groups = byGroup(apart.out());
        assertEquals(Set.of("study/low", "study/high", "rerun/low", "rerun/high"), groups.keySet(), apart.out());
        for (JsonNode row : groups.values()) {
            assertEquals("3", row.get("seeds").asText(), apart.out());
            assertEquals("", row.get("duplicates_dropped").asText(), "different groups share nothing: " + apart.out());
        }
        // each experiment's arm is paired with its own experiment's baseline
        assertTrue(groups.get("study/high").get("delta").asDouble() > 0.3, apart.out());
        assertTrue(groups.get("rerun/high").get("delta").asDouble() > 0.3, apart.out());

        CliRun pooled = CliRun.of("compare", study.toString(), rerun.toString(), "--metrics", "trait.caps.output_rate",
                "--pool-experiments", "--format", "json");
        assertEquals(0, pooled.exitCode(), pooled.err());
        Map<String, JsonNode> merged = byGroup(pooled.out());
        assertEquals(Set.of("low", "high"), merged.keySet(), pooled.out());
        assertEquals("3", merged.get("low").get("seeds").asText(), "pooled, the rerun's runs are the same evaluations "
                + "as the original's and count once: " + pooled.out());
        assertTrue(merged.get("low").get("duplicates_dropped").asText().contains(
                "rerun/" + rerun.getFileName() + "/low-s0 = study/" + study.getFileName() + "/low-s0"), pooled.out());
    }

    @Test
    void theSameEvaluationReachedThroughTwoSweepsCountsOnce() throws Exception {
        // the sweep re-planned with one more seed: a new sweep id, but seeds 0 and 1 are the same cached evaluations
        Path first = sweepWithSeeds("study", "[0, 1]", "two-seeds");
        Path more = sweepWithSeeds("study", "[0, 1, 2]", "three-seeds");
        assertNotEquals(first, more);
        CliRun json = CliRun.of("compare", first.toString(), more.toString(), "--metrics", "trait.caps.output_rate",
                "--format", "json");
        assertEquals(0, json.exitCode(), json.err());
        Map<String, JsonNode> groups = byGroup(json.out());
        assertEquals(Set.of("low", "high"), groups.keySet(), "one experiment: groups are arms: " + json.out());
        assertEquals("3", groups.get("high").get("seeds").asText(), "5 runs, 3 distinct evaluations: " + json.out());
        String dropped = groups.get("high").get("duplicates_dropped").asText();
        String a = "study/" + first.getFileName() + "/";
        String b = "study/" + more.getFileName() + "/";
        assertTrue(dropped.contains(b + "high-s0 = " + a + "high-s0") && dropped.contains(b + "high-s1 = " + a + "high-s1")
                && !dropped.contains("high-s2"), json.out());

        CliRun text = CliRun.of("compare", first.toString(), more.toString(), "--metrics", "trait.caps.output_rate");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().matches("(?s).*high\\s+3\\s+0\\.\\d{3} \\[.*"), text.out());
        assertTrue(text.out().contains("4 runs are the same evaluation as others (same stage key) and count once: "
                + b + "low-s0 = " + a + "low-s0, "), text.out());
        CliRun csv = CliRun.of("compare", first.toString(), more.toString(), "--metrics", "trait.caps.output_rate",
                "--format", "csv");
        assertTrue(csv.out().lines().findFirst().orElseThrow().endsWith(",duplicates_dropped"), csv.out());
        assertTrue(csv.out().contains(b + "low-s1 = " + a + "low-s1"), csv.out());

        // a run given twice (its sweep and its own directory) is one evaluation too
        CliRun twice = CliRun.of("compare", first.toString(), first.resolve("runs/low-s0").toString(), "--metrics",
                "trait.caps.output_rate", "--format", "json");
        assertEquals("2", byGroup(twice.out()).get("low").get("seeds").asText(), twice.out());
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
