package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.charlab.testing.CliRun;
import org.charlab.testing.Prerequisite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report on a sweep with known truth (synth-eval): sections, plots, and verdicts that follow the intervals. */
class ReportCommandTest {

    @TempDir
    static Path dir;
    static Path sweep;
    static CliRun report;
    static CliRun run;

    @BeforeAll
    static void runSweepAndReport() throws Exception {
        Path exp = dir.resolve("study.yaml");
        Files.writeString(exp, """
                name: study
                question: Does raising the output rate leave the CoT alone?
                stages:
                  ev: {type: synth-eval, samples_per_prompt: 2}
                sweep:
                  seeds: [0, 1]
                  arms:
                    low: {stages.ev.output_rate: 0.2}
                    high: {stages.ev.output_rate: 0.8}
                expectations:
                  - {claim: high raises the output rate, metric: trait.caps.output_rate, arm: high, baseline: low, value: 0.3}
                  - {claim: high stays under half, metric: trait.caps.output_rate, arm: high, relation: at_most, value: 0.5}
                  - {claim: a tiny CoT effect, metric: trait.caps.cot_rate, arm: high, baseline: low, value: 0.0}
                  - {claim: nobody ran this arm, metric: trait.caps.cot_rate, arm: ghost}
                """);
        CliRun r = CliRun.of("run", exp.toString(), "--results", dir.resolve("results").toString(), "--in-process");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        run = r;
        try (Stream<Path> s = Files.list(dir.resolve("results/study"))) {
            sweep = s.findFirst().orElseThrow();
        }
        report = CliRun.of("report", sweep.toString(), "--baseline", "low");
    }

    @Test
    void runEndsWithTheComparisonTableAndTheReport() {
        assertTrue(run.out().matches("(?s).*trait\\.caps\\.output_rate\\s+plain\\s+all\\s+high\\s+2\\s+0\\.\\d+ \\[.*"),
                run.out());
        assertTrue(run.out().contains("capability.accuracy.lookup"), run.out());
        assertTrue(run.out().contains("reproduced: high raises the output rate"), run.out());
        assertTrue(run.out().contains("report: " + sweep.resolve("report/report.html")), run.out());
    }

    @Test
    void verdictsFollowTheIntervals() {
        assertEquals(0, report.exitCode(), report.err());
        List<String> lines = report.out().lines().toList();
        assertEquals("reproduced: high raises the output rate", lines.get(0));
        assertEquals("not reproduced: high stays under half", lines.get(1));
        assertTrue(lines.get(2).startsWith("reproduced: a tiny CoT effect") || lines.get(2).startsWith("inconclusive"),
                "identical CoTs in both arms: the difference is exactly 0, which satisfies >= 0: " + lines.get(2));
        assertEquals("not measured: nobody ran this arm", lines.get(3));
    }

    @Test
    void theReportHasEverySectionAndInlinesItsPlots() throws Exception {
        String html = Files.readString(sweep.resolve("report/report.html"));
        for (String section : List.of("Question", "Expectations", "Plan", "Provenance", "Key metrics", "Comparison")) {
            assertTrue(html.contains("<h2>" + section + "</h2>"), section);
        }
        assertTrue(html.contains("Does raising the output rate leave the CoT alone?"));
        assertTrue(html.contains("src=\"data:image/png;base64,"), "plots are inlined: the page is self-contained");
        assertFalse(html.contains("src=\"fig"), "no external image references in the HTML");
        String md = Files.readString(sweep.resolve("report/report.md"));
        assertTrue(md.contains("| claim | metric |"), md);
        for (String line : md.lines().filter(l -> l.startsWith("![")).toList()) {
            String file = line.substring(line.indexOf("](") + 2, line.length() - 1);
            assertTrue(Files.isRegularFile(sweep.resolve("report").resolve(file)), file);
        }
    }

    @Test
    void theReportRendersInHeadlessChromium() throws Exception {
        Prerequisite.require(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "Chromium is not installed at /usr/bin/chromium (.ci/chromium-setup.sh installs it): no render check");
        Path shot = dir.resolve("shot.png");
        Process p = new ProcessBuilder("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "chrome"), "--hide-scrollbars",
                "--window-size=1200,1800", "--screenshot=" + shot, sweep.resolve("report/report.html").toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1200, img.getWidth());
        int dark = 0;
        int blue = 0;
        for (int x = 0; x < img.getWidth(); x += 2) {
            for (int y = 0; y < img.getHeight(); y += 2) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (r + g + b < 150) {
                    dark++;
                }
                if (b > 150 && r < 80 && g < 160) {
                    blue++;
                }
            }
        }
        assertTrue(dark > 500, "text was rendered: " + dark);
        assertTrue(blue > 20, "the inlined plots were rendered (blue markers): " + blue);
    }
}
