package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.charlab.testing.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep (synth-eval, known truth) where one arm never closes its CoT and one closes it in a
 * minority of samples: compare shows the unclosed share beside the trait rates, output rates are
 * the rates among the samples with an output, and expectations do not read "no output" as "no trait".
 */
class UnclosedCotCliTest {

    @TempDir
    static Path dir;
    static Path sweep;
    static CliRun run;

    @BeforeAll
    static void runSweep() throws Exception {
        Path exp = dir.resolve("study.yaml");
        Files.writeString(exp, """
                name: study
                stages:
                  ev: {type: synth-eval, output_rate: 0.8}
                sweep:
                  seeds: [0, 1]
                  arms:
                    ok: {}
                    mostly: {stages.ev.unclosed_rate: 0.7}
                    broken: {stages.ev.unclosed_rate: 1.0}
                expectations:
                  - {claim: broken suppresses caps, metric: trait.caps.output_rate, arm: broken, relation: at_most, value: 0.1}
                  - {claim: mostly keeps caps, metric: trait.caps.output_rate, arm: mostly, value: 0.3}
                """);
        run = CliRun.of("run", exp.toString(), "--results", dir.resolve("results").toString(), "--in-process");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        try (Stream<Path> s = Files.list(dir.resolve("results/study"))) {
            sweep = s.findFirst().orElseThrow();
        }
    }

    @Test
    void compareJsonCarriesTheUnclosedShareAndRatesOverSamplesWithAnOutput() throws Exception {
        CliRun r = CliRun.of("compare", sweep.toString(), "--metrics", "trait.caps.output_rate,capability.*",
                "--format", "json");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, JsonNode> rate = new HashMap<>();
        for (JsonNode row : new ObjectMapper().readTree(r.out())) {
            if (row.get("metric").asText().equals("trait.caps.output_rate")) {
                rate.put(row.get("group").asText(), row);
            } else {
                assertEquals("", row.get("unclosed_share").asText(), "only trait rows carry it: " + row);
            }
        }
        assertEquals(0.0, rate.get("ok").get("unclosed_share").asDouble());
        assertEquals(1.0, rate.get("broken").get("unclosed_share").asDouble());
        double mostly = rate.get("mostly").get("unclosed_share").asDouble();
        assertTrue(mostly > 0.55 && mostly < 0.85, r.out());
        double est = rate.get("mostly").get("estimate").asDouble();
        assertTrue(Math.abs(est - 0.8) < 0.15, "the rate among outputs, not 0.8 x 0.3: " + est);
        assertEquals("", rate.get("broken").get("estimate").asText(), "no output, no rate: " + rate.get("broken"));
    }

    @Test
    void compareTextShowsTheUnclosedColumnBesideTheRate() {
        CliRun r = CliRun.of("compare", sweep.toString(), "--metrics", "trait.caps.output_rate");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().findFirst().orElseThrow().matches(".*estimate \\[interval\\]\\s+unclosed.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\bok\\s+2\\s+0\\.\\d{3} \\[0\\.\\d{3}, 0\\.\\d{3}\\]\\s+0%.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\bmostly\\s+2\\s+0\\.\\d{3} \\[0\\.\\d{3}, 0\\.\\d{3}\\]\\s+[5-8]\\d%.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\bbroken\\s+2\\s+undefined \\(.*\\)\\s+100%.*"), r.out());
    }

    @Test
    void expectationsDoNotReadAMissingOutputAsNoTrait() throws Exception {
        assertTrue(run.out().contains("not measured: broken suppresses caps"), run.out());
        assertTrue(run.out().contains("reproduced: mostly keeps caps"), run.out());
        String md = Files.readString(sweep.resolve("report/report.md"));
        assertTrue(md.contains("no sample of arm 'broken' has an output in (plain, all)"), md);
        assertTrue(md.contains("reproduced (rests on a minority of the samples: "), md);
        assertTrue(md.contains("| unclosed |"), "the comparison table has the column");
        assertTrue(md.contains("CoT never closed: mostly / plain "), "plot captions give the share");
    }
}
