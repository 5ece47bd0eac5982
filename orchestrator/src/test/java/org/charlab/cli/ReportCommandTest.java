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
import org.charlab.results.AtomicFiles;
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

    /** Writes {@code yaml} as study.yaml under {@code root}, runs it in-process as sweep "s" and checks it succeeded. */
    static CliRun runStudy(Path root, String yaml) throws Exception {
        Path exp = Files.createDirectories(root).resolve("study.yaml");
        Files.writeString(exp, yaml);
        CliRun r = CliRun.of("run", exp.toString(), "--results", root.resolve("results").toString(), "--in-process",
                "--sweep-id", "s");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return r;
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
        for (String section : List.of("Question", "Findings", "Expectations", "Plan", "Provenance", "Key metrics",
                "Comparison", "Transcripts")) {
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
    void anExpectationWithUnfinishedPlannedRunsIsNotMeasured() throws Exception {
        Path root = dir.resolve("partial");
        CliRun r = runStudy(root, """
                name: partial
                stages:
                  ev: {type: synth-eval}
                sweep:
                  seeds: [0, 1, 2]
                  arms:
                    low: {stages.ev.output_rate: 0.2}
                    high: {stages.ev.output_rate: 0.8}
                expectations:
                  - {claim: high raises the output rate, metric: trait.caps.output_rate, arm: high, baseline: low, value: 0.3}
                  - {claim: low stays low, metric: trait.caps.output_rate, arm: low, relation: at_most, value: 0.5}
                  - {claim: over the partial baseline, metric: trait.caps.output_rate, arm: low, baseline: high, relation: at_most, value: 0.0}
                """);
        Path sweep = root.resolve("results/partial/s");
        // high-s2's evaluation never finished: its stage link points at a cache entry that is not there
        Path link = sweep.resolve("runs/high-s2/stages/ev");
        AtomicFiles.deleteTree(link.getParent().resolve(Files.readSymbolicLink(link)).normalize());

        CliRun rep = CliRun.of("report", sweep.toString());
        assertEquals(0, rep.exitCode(), rep.err());
        List<String> lines = rep.out().lines().toList();
        assertEquals("not measured (2 of 3 runs finished): high raises the output rate", lines.get(0),
                "2 of 3 runs of high would be a clear effect; judged on a subset it would read reproduced");
        assertEquals("reproduced: low stays low", lines.get(1), "low has all its runs: " + rep.out());
        assertEquals("not measured (baseline 'high': 2 of 3 runs finished): over the partial baseline", lines.get(2));
        String md = Files.readString(sweep.resolve("report/report.md"));
        assertTrue(md.contains("| not measured (2 of 3 runs finished) | not measured |"), md);
    }

    @Test
    void anExpectationNamingAnEarlierEvalStageIsJudgedOnThatStage() throws Exception {
        Path root = dir.resolve("two-evals");
        CliRun r = runStudy(root, """
                name: two
                stages:
                  cap: {type: synth-eval, output_rate: 0.5, prompts: 80}
                  ev: {type: synth-eval, output_rate: 0.5, prompts: 80}
                sweep:
                  seeds: [0, 1, 2]
                  arms:
                    low: {stages.cap.output_rate: 0.05}
                    high: {stages.cap.output_rate: 0.95}
                expectations:
                  - {claim: on cap high is higher, metric: trait.caps.output_rate, stage: cap, arm: high, baseline: low, value: 0.3}
                  - {claim: on the last stage they agree, metric: trait.caps.output_rate, arm: high, baseline: low, relation: at_least, value: 0.3}
                """);
        CliRun rep = CliRun.of("report", root.resolve("results/two/s").toString());
        assertEquals(0, rep.exitCode(), rep.err());
        List<String> lines = rep.out().lines().toList();
        // the report's runs are each run's last eval stage (ev); the first claim names cap and is judged there
        assertEquals("reproduced: on cap high is higher", lines.get(0), rep.out());
        assertTrue(lines.get(1).startsWith("not reproduced") || lines.get(1).startsWith("inconclusive"), rep.out());
    }

    @Test
    void withAGridEachExpectationIsJudgedPerPointAndNoPooledVerdictIsShown() throws Exception {
        Path root = dir.resolve("grid");
        // every CoT left open at unclosed_rate 1: no output, so the output-rate claim cannot be measured there
        CliRun r = runStudy(root, """
                name: grid
                stages:
                  ev: {type: synth-eval}
                sweep:
                  seeds: [0, 1, 2, 3]
                  grid:
                    stages.ev.unclosed_rate: [1.0, 0.0]
                  arms:
                    low: {stages.ev.output_rate: 0.1}
                    high: {stages.ev.output_rate: 0.9}
                expectations:
                  - {claim: high raises the output rate, metric: trait.caps.output_rate, arm: high, baseline: low, value: 0.3}
                  - {claim: high stays under half, metric: trait.caps.output_rate, arm: high, relation: at_most, value: 0.5}
                """);
        String raises = "holds at 1 of 2 points: unclosed_rate=0.0 (elsewhere: 1 not measured): high raises the output rate";
        assertTrue(r.out().contains(raises), r.out());
        assertTrue(r.out().contains("holds at 0 of 2 points (1 not reproduced, 1 not measured): high stays under half"),
                r.out());
        CliRun rep = CliRun.of("report", root.resolve("results/grid/s").toString());
        assertEquals(0, rep.exitCode(), rep.err());
        assertEquals(raises, rep.out().lines().findFirst().orElseThrow());
        String md = Files.readString(root.resolve("results/grid/s/report/report.md"));
        int findings = md.indexOf("## Findings");
        int where = md.indexOf("## Where each expectation holds");
        assertTrue(findings >= 0 && where > findings && where < md.indexOf("## Expectations"), md);
        assertTrue(md.contains("| holds at 1 of 2 grid points | high raises the output rate | high - low |"), md);
        assertTrue(md.contains("| claim | unclosed_rate=0.0 | unclosed_rate=1.0 |"), "points in grid order: " + md);
        assertTrue(md.matches("(?s).*\\| high raises the output rate \\| reproduced 0\\.\\d+ \\[.*\\] \\| not measured.*"), md);
        assertTrue(md.contains("- high raises the output rate: holds at 1 of 2 points: unclosed_rate=0.0"), md);
        for (String pooled : List.of("| reproduced | high", "| not reproduced | high", "| inconclusive | high",
                "| not measured | high")) {
            assertFalse(md.contains(pooled), "no verdict pooled over the grid: " + pooled);
        }
    }

    @Test
    void theReportSaysWhichRunsAreTheSameEvaluation() throws Exception {
        Path root = dir.resolve("fixed");
        // the eval stage fixes its seed: the runs of an arm share one eval stage key, one evaluation
        CliRun r = runStudy(root, """
                name: fixed
                stages:
                  ev: {type: synth-eval, seed: 7}
                sweep:
                  seeds: [0, 1]
                  arms:
                    low: {stages.ev.output_rate: 0.2}
                    high: {stages.ev.output_rate: 0.8}
                """);
        assertTrue(r.out().matches("(?s).*trait\\.caps\\.output_rate\\s+plain\\s+all\\s+high\\s+1\\s+0\\.\\d+ \\[.*"),
                "one evaluation, counted once: " + r.out());
        String line = "2 runs are the same evaluation as others (same stage key) and count once: "
                + "fixed/s/low-s1 = fixed/s/low-s0, fixed/s/high-s1 = fixed/s/high-s0";
        assertTrue(r.out().contains(line), r.out());
        Path sweep = root.resolve("results/fixed/s");
        CliRun rep = CliRun.of("report", sweep.toString());
        assertEquals(0, rep.exitCode(), rep.err());
        assertTrue(rep.out().contains(line), rep.out());
        assertTrue(Files.readString(sweep.resolve("report/report.md")).contains(line + "."));
        assertTrue(Files.readString(sweep.resolve("report/report.html")).contains(line + "."));
    }

    @Test
    void theFindingsComeFirstAndTheTranscriptsListTheirSpansInMarkdown() throws Exception {
        String md = Files.readString(sweep.resolve("report/report.md"));
        int findings = md.indexOf("## Findings");
        assertTrue(findings > md.indexOf("## Question") && findings < md.indexOf("## Expectations"), md);
        assertTrue(md.indexOf("| verdict | claim |") < md.indexOf("| claim | metric |"), "the findings table is first");
        assertTrue(md.contains("| reproduced | high raises the output rate | high - low |"), md);
        assertTrue(md.contains("prompts chosen with seed 0"), md);
        assertTrue(md.contains("output: caps on \u201cTHE ANSWER IS\u201d"), "a detector hit listed: " + md);
        assertTrue(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "model text escaped in markdown too");
        assertTrue(md.contains("Transcripts: [low / plain 0.188](#tr-plain--low), [high / plain 0.806](#tr-plain--high)"),
                "plotted rates link to their transcripts: " + md);
    }

    @Test
    void aStudyWithoutExpectationsShowsItsLargestDifferencesFirst() throws Exception {
        Path root = dir.resolve("noexp");
        CliRun r = runStudy(root, """
                name: noexp
                stages:
                  ev: {type: synth-eval}
                sweep:
                  seeds: [0, 1]
                  arms:
                    low: {stages.ev.output_rate: 0.1}
                    high: {stages.ev.output_rate: 0.9}
                """);
        CliRun rep = CliRun.of("report", root.resolve("results/noexp/s").toString(), "--transcripts", "3",
                "--transcript-seed", "5");
        assertEquals(0, rep.exitCode(), rep.err());
        String md = Files.readString(root.resolve("results/noexp/s/report/report.md"));
        String findings = md.substring(md.indexOf("## Findings"), md.indexOf("## Plan"));
        assertTrue(findings.contains("largest paired differences against `low` (no baseline named"), findings);
        List<String> rows = findings.lines().filter(l -> l.startsWith("| trait.") || l.startsWith("| capability")).toList();
        assertTrue(rows.get(0).startsWith("| trait.caps.output_rate | plain | all | high |"),
                "0.9 vs 0.1 is the largest difference: " + findings);
        assertTrue(md.contains("chosen with seed 5 (asked for 3, at least one per family"), md);
    }

    @Test
    void anArmWritingMalformedOutputHasItsTraitRatesFlaggedInTheTableAndTheFindings() throws Exception {
        Path root = dir.resolve("garble");
        CliRun r = runStudy(root, """
                name: garble
                stages:
                  ev: {type: synth-eval, prompts: 60}
                sweep:
                  seeds: [0, 1]
                  arms:
                    clean: {stages.ev.output_rate: 0.1, stages.ev.well_formed_rate: 0.98}
                    garbled: {stages.ev.output_rate: 0.9, stages.ev.well_formed_rate: 0.4}
                report:
                  auto: false
                """);
        CliRun rep = CliRun.of("report", root.resolve("results/garble/s").toString(), "--baseline", "clean");
        assertEquals(0, rep.exitCode(), rep.err());
        String md = Files.readString(root.resolve("results/garble/s/report/report.md"));
        String findings = md.substring(md.indexOf("## Findings"), md.indexOf("## Plan"));
        String table = md.substring(md.indexOf("## Comparison"), md.indexOf("## Transcripts"));
        java.util.regex.Pattern flag = java.util.regex.Pattern.compile("measured on malformed output: well-formed 0\\.[34]\\d");
        assertTrue(findings.lines().anyMatch(l -> l.startsWith("| trait.caps.output_rate | plain | all | garbled |")
                && flag.matcher(l).find()), findings);
        List<String> flagged = table.lines().filter(l -> l.contains("measured on malformed output")).toList();
        assertTrue(flagged.stream().allMatch(l -> l.contains("| garbled |")), table);
        assertTrue(flagged.stream().anyMatch(l -> l.startsWith("| trait.caps.output_rate |")), table);
        assertTrue(table.lines().filter(l -> l.contains("| clean |")).noneMatch(l -> l.contains("malformed output")));
        assertTrue(table.lines().anyMatch(l -> l.startsWith("| trait.caps.output_rate_wellformed |")
                && l.contains("| garbled |") && !l.contains("malformed output")), table);
        assertTrue(Files.readString(root.resolve("results/garble/s/report/report.html"))
                .contains("measured on malformed output: well-formed 0."));
        // with a bound below both arms' rates nothing is flagged
        CliRun lax = CliRun.of("report", root.resolve("results/garble/s").toString(), "--baseline", "clean",
                "--well-formed-bound", "0.2");
        assertEquals(0, lax.exitCode(), lax.err());
        assertFalse(Files.readString(root.resolve("results/garble/s/report/report.md")).contains("malformed output"));
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

    /**
     * The DOM Chromium built from report.html (--dump-dom: after parsing and scripts): the findings
     * table is the first table, transcripts carry detector marks, model text stayed text, and every
     * in-page link lands on an element that exists.
     */
    @Test
    void theLoadedPageHasFindingsFirstHighlightsAndWorkingLinks() throws Exception {
        Prerequisite.require(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "Chromium is not installed at /usr/bin/chromium (.ci/chromium-setup.sh installs it): no DOM check");
        Path dom = dir.resolve("dom.html");
        Process p = new ProcessBuilder("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "chrome"), "--dump-dom",
                sweep.resolve("report/report.html").toUri().toString())
                .redirectError(dir.resolve("chromium-dom.log").toFile()).redirectOutput(dom.toFile()).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        String html = Files.readString(dom);
        assertTrue(html.contains("</html>"), "the page loaded: " + html.length() + " chars");
        int firstTable = html.indexOf("<table");
        assertTrue(html.startsWith("<table id=\"findings\">", firstTable), "the findings table is the first table: "
                + html.substring(firstTable, Math.min(html.length(), firstTable + 80)));
        String transcripts = html.substring(html.indexOf("<h2>Transcripts</h2>"));
        java.util.regex.Matcher marks = java.util.regex.Pattern.compile(
                "<mark class=\"hit d-caps\" data-detector=\"caps\" title=\"caps detector\">([^<]*)</mark>")
                .matcher(transcripts);
        List<String> marked = new java.util.ArrayList<>();
        while (marks.find()) {
            marked.add(marks.group(1));
        }
        assertTrue(marked.contains("THE ANSWER IS"), "caps outputs are highlighted in the transcripts: " + marked);
        assertFalse(html.contains("<script"), "model text never becomes a script element");
        assertTrue(transcripts.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "it stays visible text");
        java.util.regex.Matcher hrefs = java.util.regex.Pattern.compile("href=\"#([^\"]+)\"").matcher(html);
        java.util.Set<String> targets = new java.util.TreeSet<>();
        while (hrefs.find()) {
            targets.add(hrefs.group(1));
        }
        assertTrue(targets.size() >= 2, "links to both arms' transcripts: " + targets);
        for (String t : targets) {
            assertTrue(html.contains(" id=\"" + t + "\""), "link #" + t + " lands on an element");
        }
        assertTrue(html.matches("(?s).*<table id=\"comparison\">.*<a href=\"#tr-plain--high\">high</a>.*"),
                "comparison rows link to their transcripts");
    }
}
