package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.plan.Plan;
import org.charlab.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare's output pinned byte for byte: the files under src/test/resources/report/pinned-compare
 * were written by compare as it was when it held every samples.jsonl row in memory (commit "pin
 * compare's output"), so the streaming reader must give the very same numbers. Sweeps: the
 * synth-eval ones of CompareCommandTest with several samples per prompt, unclosed CoTs, a second
 * sweep sharing only some seeds and one on other prompts; and a {@link SyntheticSweep} (two traits,
 * four families, in/out of distribution, two conditions, nulls for unscored outputs).
 * CHARLAB_WRITE_PINNED=1 rewrites the files (only ever from a reviewed state of compare). Rewritten
 * once since, checked to add only the rows of trait.<t>.output_rate_wellformed and the columns
 * well_formed and malformed, every earlier row and number unchanged.
 */
class ComparePinnedTest {

    static final Path PINNED = Path.of("src/test/resources/report/pinned-compare");

    @TempDir
    Path dir;

    private Path synth(String name, String seeds, String extra) throws Exception {
        Path exp = dir.resolve(name + ".yaml");
        Files.writeString(exp, "name: " + name + "\nstages:\n  ev: {type: synth-eval, samples_per_prompt: 3, "
                + "unclosed_rate: 0.2, prompts: 30" + extra + "}\n"
                + "sweep:\n  seeds: " + seeds + "\n  arms:\n    low: {stages.ev.output_rate: 0.2}\n"
                + "    high: {stages.ev.output_rate: 0.8, stages.ev.cot_rate: 0.3}\n");
        CliRun r = CliRun.of("run", exp.toString(), "--results", dir.resolve("results").toString(), "--in-process",
                "--sweep-id", "s");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return dir.resolve("results").resolve(name).resolve("s");
    }

    private static void check(String file, CliRun r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        Path p = PINNED.resolve(file);
        if ("1".equals(System.getenv("CHARLAB_WRITE_PINNED"))) {
            Files.writeString(p, r.out(), StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(p, StandardCharsets.UTF_8), r.out(), file);
    }

    @Test
    void synthEvalSweepsGiveThePinnedTables() throws Exception {
        Path a = synth("study", "[0, 1, 2]", "");
        Path b = synth("more", "[1, 2, 3]", "");
        Path other = synth("elsewhere", "[0, 1]", ", prompt_prefix: q");
        check("synth-baseline.json", CliRun.of("compare", a.toString(), "--baseline", "low", "--format", "json"));
        check("synth-pooled.json", CliRun.of("compare", a.toString(), b.toString(), "--pool-experiments",
                "--baseline", "low", "--format", "json"));
        check("synth-other-prompts.csv", CliRun.of("compare", a.toString(), other.toString(), "--pool-experiments",
                "--baseline", "low", "--format", "csv"));
        check("synth-family.json", CliRun.of("compare", a.toString(), b.toString(), "--family", "arithmetic",
                "--baseline", "high", "--format", "json", "--level", "0.9"));
    }

    @Test
    void aSyntheticSweepGivesThePinnedTable() throws Exception {
        Plan plan = SyntheticSweep.plan(Path.of("../experiments/quickstart.yaml"), 3, "bench");
        Path sweep = SyntheticSweep.write(plan, dir.resolve("results"), 240, 3, 100);
        List<String> families = new ArrayList<>(List.of("all", "in_distribution", "out_of_distribution", "lookup"));
        for (String f : families) {
            check("synthetic-" + f + ".json", CliRun.of("compare", sweep.toString(), "--baseline", "plain",
                    "--family", f, "--format", "json"));
        }
    }
}
