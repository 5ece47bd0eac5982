package org.charlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.charlab.config.Binder;
import org.charlab.config.Expectation;
import org.charlab.config.Node;
import org.charlab.config.Source;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.AtomicFiles;
import org.charlab.results.SweepDir;
import org.charlab.stats.Interval;

/**
 * report.html (self-contained: plots inlined) and report.md (plots as files beside it) for one
 * sweep: the question, expectations with verdicts, the plan, provenance, dataset fingerprints per
 * arm, training curves, error-bar plots of the key metrics per arm and condition, and the
 * comparison table.
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was written. */
    public record Written(Path html, Path markdown, List<ExpectationRegion> checks) {
    }

    private final SweepDir dir;
    private final Plan plan;
    private final RunResults.Found found;
    private final List<RunResult> runs;
    private final List<String> skipped;
    private final String baseline;
    private final Comparison.Settings settings;
    private final Path out;
    private final StringBuilder html = new StringBuilder();
    private final StringBuilder md = new StringBuilder();
    private final Transcripts transcripts;
    private int figures;
    /** {@link #tableRows()}, once computed. */
    private List<Comparison.Row> tableRows;

    public Report(SweepDir dir, RunResults.Found found, String baseline, Comparison.Settings settings, Path out) {
        this(dir, found, baseline, settings, out, 0, Transcripts.DEFAULT_PROMPTS);
    }

    /**
     * @param transcriptSeed seed of the reproducible choice of the prompts whose transcripts are shown
     * @param transcripts    how many prompts to show (at least one per family and distribution)
     */
    public Report(SweepDir dir, RunResults.Found found, String baseline, Comparison.Settings settings, Path out,
            long transcriptSeed, int transcripts) {
        this.dir = dir;
        this.plan = Plan.read(dir.plan());
        this.found = found;
        this.runs = found.runs();
        this.skipped = found.skipped();
        this.baseline = baseline;
        this.settings = settings;
        this.out = out;
        this.transcripts = new Transcripts(runs, transcriptSeed, transcripts);
    }

    public Written write() throws IOException {
        Files.createDirectories(out);
        String title = "charlab report: " + plan.experiment();
        heading(1, title);
        para("Sweep `" + plan.sweepId() + "`, " + plan.runs().size() + " runs; generated " + Instant.now() + ".");
        if (!plan.question().isBlank()) {
            heading(2, "Question");
            para(plan.question());
        }
        List<ExpectationRegion> checks = judge(expectations());
        heading(2, "Findings");
        Findings findings = findings(checks);
        html.append(findings.html(transcripts::anchor));
        md.append(findings.markdown());
        RegionTable region = RegionTable.of(checks);
        if (region.table() != null) {
            heading(2, "Where each expectation holds");
            para(RegionTable.lead());
            table(region.table());
            list(region.summary());
        }
        if (!checks.isEmpty()) {
            heading(2, "Expectations");
            para("Each verdict comes from the interval alone: reproduced when the whole interval satisfies the bound, "
                    + "not reproduced when the whole interval violates it, inconclusive otherwise.");
            Table t = new Table(List.of("claim", "metric", "arm", "vs", "bound", "interval", "verdict", "source"));
            for (ExpectationRegion r : checks) {
                Expectation e = r.expectation();
                ExpectationCheck c = r.checks().get(0);
                t.add(List.of(e.claim(), e.metric() + " (" + e.condition() + ", " + e.family() + ")", e.arm(),
                        e.baseline() == null ? "" : e.baseline(),
                        (e.relation() == Expectation.Relation.AT_LEAST ? ">= " : "<= ") + e.value(),
                        r.isGrid() ? "per grid point (see: Where each expectation holds)"
                                : c.interval() == null ? c.note() : ComparisonTable.text(c.interval()),
                        r.isGrid() ? r.summary() : c.verdict().label()
                                + (c.note().isEmpty() || c.interval() == null ? "" : " (" + c.note() + ")"),
                        e.paper()));
            }
            table(t);
        }
        planSection();
        provenanceSection();
        fingerprintSection();
        curvesSection();
        metricPlots();
        heading(2, "Comparison");
        if (runs.isEmpty()) {
            para("No evaluated runs yet." + (skipped.isEmpty() ? "" : " Skipped: " + String.join("; ", skipped)));
        } else {
            List<Comparison.Row> rows = tableRows();
            para("Per-sample means: the mean of seed means with a crossed seed x prompt interval (two-way random "
                    + "effects, Satterthwaite t; Korn-Graubard for rates); other metrics: the mean of per-seed "
                    + "estimates with a t interval over seeds; " + Math.round(settings.level() * 100) + "% intervals"
                    + (baseline == null ? "." : "; differences paired on seed and prompt against `" + baseline
                    + "` (with a grid: its runs at the same grid point).") + " Trait rates on the output count only "
                    + "the samples that have an output; `unclosed` is the share of samples whose CoT never closed."
                    + (rows.stream().anyMatch(r -> !r.malformed().isEmpty()) ? " `malformed` flags an output trait "
                    + "rate of an arm whose well-formed rate is below " + settings.wellFormedBound() + ": partly "
                    + "measured on garbled text; its `output_rate_wellformed` counts the well-formed outputs only." : ""));
            Table t = ComparisonTable.of(rows, baseline != null, false);
            html.append(Html.table(t, "comparison", i -> {
                String id = transcripts.anchor(rows.get(i).group(), rows.get(i).condition());
                return id == null ? null : "#" + id;
            }, t.columns().indexOf("group")));
            md.append(t.render(Table.Format.MARKDOWN)).append('\n');
            if (!found.duplicates().isEmpty()) {
                para(found.duplicatesLine() + ".");
            }
            if (!skipped.isEmpty()) {
                para("Runs without an evaluation: " + String.join("; ", skipped));
            }
        }
        heading(2, "Transcripts");
        html.append(transcripts.html());
        md.append(transcripts.markdown());
        Path htmlFile = out.resolve("report.html");
        Path mdFile = out.resolve("report.md");
        AtomicFiles.write(htmlFile, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + "</title>\n<style>" + CSS + Transcripts.css() + "</style></head><body>\n" + html + "</body></html>\n");
        AtomicFiles.write(mdFile, md.toString());
        return new Written(htmlFile, mdFile, checks);
    }

    /** Verdicts when the study has expectations, else the largest paired differences against the baseline. */
    /**
     * Judges each expectation on the eval stage it names ({@code stage:}; the report's runs are each
     * run's last eval stage, or --stage's): another stage's results are loaded once per name.
     */
    private List<ExpectationRegion> judge(List<org.charlab.config.Expectation> expectations) {
        java.util.Map<String, RunResults.Found> byStage = new java.util.HashMap<>();
        List<ExpectationRegion> out = new java.util.ArrayList<>();
        for (org.charlab.config.Expectation e : expectations) {
            RunResults.Found f = e.stage() == null || found.runs().stream().anyMatch(r -> e.stage().equals(r.stage()))
                    ? found : byStage.computeIfAbsent(e.stage(), st -> RunResults.load(List.of(dir.dir()), st));
            out.add(ExpectationRegion.judge(e, f, settings));
        }
        return out;
    }

    private Findings findings(List<ExpectationRegion> checks) {
        if (!checks.isEmpty()) {
            return Findings.ofExpectations(checks);
        }
        List<String> groups = runs.stream().map(RunResult::group).distinct().toList();
        if (groups.size() < 2) {
            return Findings.none(runs.isEmpty() ? "No evaluated runs yet." : "One arm only (" + groups.get(0)
                    + "): nothing to compare against; its estimates are in the comparison table.");
        }
        String base = baseline != null ? baseline : runs.get(0).arm();
        String why = baseline != null ? "" : " (no baseline named by --baseline or report.baseline: the first arm)";
        // the comparison table's rows hold these (its keys include every shared metric's; a key's rows do
        // not depend on which other keys are computed): filtered, not computed again, when it pairs too
        List<Comparison.Row> rows = baseline != null
                ? tableRows().stream().filter(r -> Findings.share(r.metric())).toList()
                : Comparison.compute(runs, e -> Findings.share(e.name())
                        && (e.family().equals("all") || e.name().startsWith("capability.accuracy.")), base, settings);
        return Findings.ofDifferences(rows, base, why);
    }

    private List<Expectation> expectations() {
        if (plan.runs().isEmpty()) {
            return List.of();
        }
        Object list = plan.runs().get(0).config().get("expectations");
        if (!(list instanceof List<?> l) || l.isEmpty()) {
            return List.of();
        }
        Binder b = new Binder(t -> null);
        List<Expectation> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(b.bind(Expectation.class, Node.fromPlain(l.get(i), Source.builtIn("plan.json")), "expectations[" + i + "]"));
        }
        return out;
    }

    private void planSection() {
        heading(2, "Plan");
        Map<String, List<Long>> seeds = new LinkedHashMap<>();
        for (RunPlan r : plan.runs()) {
            seeds.computeIfAbsent(r.arm(), a -> new ArrayList<>()).add(r.seed());
        }
        Table arms = new Table(List.of("arm", "seeds", "overrides"));
        for (RunPlan r : plan.runs()) {
            if (seeds.containsKey(r.arm())) {
                arms.add(List.of(r.arm(), seeds.remove(r.arm()).toString(), r.overrides().toString()));
            }
        }
        table(arms);
        Map<String, Integer> uses = new LinkedHashMap<>();
        plan.runs().forEach(r -> r.stages().forEach(s -> uses.merge(s.key(), 1, Integer::sum)));
        Table stages = new Table(List.of("run", "stage chain (type, key, shared by)"));
        for (RunPlan r : plan.runs()) {
            List<String> chain = new ArrayList<>();
            for (RunPlan.Step s : r.stages()) {
                chain.add(s.name() + " (" + plan.stages().get(s.key()).type() + ", " + s.key()
                        + (uses.get(s.key()) > 1 ? ", " + uses.get(s.key()) + " runs" : "") + ")");
            }
            stages.add(List.of(r.id(), String.join(" -> ", chain)));
        }
        table(stages);
    }

    private void provenanceSection() throws IOException {
        heading(2, "Provenance");
        if (!Files.exists(dir.provenance())) {
            para("No provenance.json (the sweep has not run).");
            return;
        }
        JsonNode p = JSON.readTree(dir.provenance().toFile());
        Table t = new Table(List.of("field", "value"));
        flatten("", p, t);
        table(t);
    }

    private static void flatten(String prefix, JsonNode n, Table t) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), t);
            }
        } else {
            t.add(List.of(prefix, n.isTextual() ? n.asText() : n.toString()));
        }
    }

    private void fingerprintSection() throws IOException {
        Table t = new Table(List.of("run", "arm", "stage", "fingerprint", "sha256"));
        for (RunPlan r : plan.runs()) {
            for (RunPlan.Step s : r.stages()) {
                Path data = dir.run(r.id()).resolve("stages").resolve(s.name()).resolve("data.json");
                if (Files.isRegularFile(data)) {
                    JsonNode n = JSON.readTree(data.toFile());
                    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getKey().endsWith("sha256") && e.getValue().isTextual()) {
                            t.add(List.of(r.id(), r.arm(), s.name(), e.getKey(), e.getValue().asText()));
                        }
                    }
                }
                plan.stages().get(s.key()).files().forEach((file, sha) ->
                        t.add(List.of(r.id(), r.arm(), s.name(), Path.of(file).getFileName().toString(), sha)));
            }
        }
        if (!t.rows().isEmpty()) {
            heading(2, "Training data fingerprints");
            para("SHA-256 of the exact training examples of each stage (data.json) and of the data files it read: "
                    + "arms that differ only in a prompt show the same example fingerprint.");
            table(t);
        }
    }

    private void curvesSection() throws IOException {
        Map<String, Map<String, List<double[]>>> byStage = new LinkedHashMap<>();
        Set<String> seenKeys = new LinkedHashSet<>();
        for (RunPlan r : plan.runs()) {
            for (RunPlan.Step s : r.stages()) {
                Path m = dir.run(r.id()).resolve("stages").resolve(s.name()).resolve("metrics.jsonl");
                if (!Files.isRegularFile(m) || !seenKeys.add(s.key())) {
                    continue;
                }
                List<double[]> pts = new ArrayList<>();
                for (String line : Files.readAllLines(m)) {
                    JsonNode n = JSON.readTree(line);
                    if (n.has("step") && n.has("loss") && n.get("loss").isNumber()) {
                        pts.add(new double[] {n.get("step").asDouble(), n.get("loss").asDouble()});
                    }
                }
                if (!pts.isEmpty()) {
                    byStage.computeIfAbsent(s.name(), k -> new LinkedHashMap<>()).put(r.id(), pts);
                }
            }
        }
        if (byStage.isEmpty()) {
            return;
        }
        heading(2, "Training curves");
        for (Map.Entry<String, Map<String, List<double[]>>> e : byStage.entrySet()) {
            figure("curve-" + e.getKey(), "training loss: stage " + e.getKey(),
                    LineChart.png("stage " + e.getKey() + ": training loss", "step", "loss", e.getValue(), 720, 320));
        }
    }

    private void metricPlots() throws IOException {
        if (runs.isEmpty()) {
            return;
        }
        List<String> conditions = new ArrayList<>();
        Set<String> traits = new LinkedHashSet<>();
        for (RunResult r : runs) {
            r.metrics().forEach(e -> {
                if (!conditions.contains(e.condition())) {
                    conditions.add(e.condition());
                }
                if (e.name().startsWith("trait.") && e.name().endsWith(".output_rate") && e.isDefined()
                        && e.estimate() > 0.02) {
                    traits.add(e.name().substring(0, e.name().length() - ".output_rate".length()));
                }
            });
        }
        List<String> groups = runs.stream().map(RunResult::group).distinct().toList();
        heading(2, "Key metrics");
        para("Points are estimates, whiskers their intervals (seeds aggregated as in the comparison table); one "
                + "colour per evaluation condition. Output rates count only the samples that have an output: a CoT "
                + "that never closed leaves the output unknown; each caption gives the share of such samples.");
        String unclosed = unclosedCaption(groups, conditions);
        for (String t : traits) {
            for (String part : List.of("output_rate", "cot_rate")) {
                String metric = t + "." + part;
                List<IntervalPlot.Point> pts = points(groups, conditions, metric, "all");
                figure(metric, metric + " (" + unclosed + ")", IntervalPlot.png(metric + " per arm and condition",
                        "rate", pts, 760, 340));
                transcriptLinks(pts);
            }
        }
        Set<String> families = new LinkedHashSet<>();
        runs.forEach(r -> r.metrics().stream().filter(e -> e.name().startsWith("capability.accuracy."))
                .forEach(e -> families.add(e.family())));
        for (String f : families) {
            String metric = "capability.accuracy." + f;
            List<IntervalPlot.Point> pts = points(groups, conditions, metric, f);
            figure(metric, metric, IntervalPlot.png("accuracy: " + f, "accuracy", pts, 760, 300));
            transcriptLinks(pts);
        }
    }

    /** "CoT never closed: high / plain 62% (31 of 50), ...", or "every CoT closed". */
    private String unclosedCaption(List<String> groups, List<String> conditions) {
        List<String> parts = new ArrayList<>();
        for (String g : groups) {
            List<RunResult> rs = runs.stream().filter(r -> r.group().equals(g)).toList();
            for (String c : conditions) {
                Unclosed u = Unclosed.of(rs, c, "all");
                if (u.samples() > 0 && u.withOutput() < u.samples()) {
                    parts.add(g + " / " + c + " " + u.percent());
                }
            }
        }
        return parts.isEmpty() ? "every CoT closed" : "CoT never closed: " + String.join(", ", parts);
    }

    /**
     * The comparison table's rows: every metric on all prompts (correlations left out) and each
     * family's accuracy, paired against the baseline when there is one; computed once per report.
     */
    private List<Comparison.Row> tableRows() {
        if (tableRows == null) {
            tableRows = Comparison.compute(runs, e -> e.family().equals("all")
                    && !e.name().endsWith(".pearson") && !e.name().endsWith(".spearman")
                    || e.name().startsWith("capability.accuracy."), baseline, settings);
        }
        return tableRows;
    }

    private List<IntervalPlot.Point> points(List<String> groups, List<String> conditions, String metric, String family) {
        Map<List<String>, Interval> inTable = new HashMap<>(); // the table's value of (group, condition), as aggregate gives it
        for (Comparison.Row r : tableRows()) {
            if (r.metric().equals(metric) && r.family().equals(family)) {
                inTable.put(List.of(r.group(), r.condition()), r.value());
            }
        }
        List<IntervalPlot.Point> pts = new ArrayList<>();
        for (String g : groups) {
            List<RunResult> rs = runs.stream().filter(r -> r.group().equals(g)).toList();
            for (String c : conditions) {
                Interval iv = inTable.containsKey(List.of(g, c)) ? inTable.get(List.of(g, c))
                        : Comparison.aggregate(rs, metric, c, family, settings);
                if (iv != null && iv.isDefined()) {
                    pts.add(new IntervalPlot.Point(g, c, iv.estimate(), iv.low(), iv.high()));
                }
            }
        }
        return pts;
    }

    /** Under a plot: each plotted (arm, condition) with its value, linked to its transcripts. */
    private void transcriptLinks(List<IntervalPlot.Point> pts) {
        List<String> h = new ArrayList<>();
        List<String> m = new ArrayList<>();
        for (IntervalPlot.Point p : pts) {
            String label = p.category() + " / " + p.series() + " " + ComparisonTable.num(p.estimate());
            String id = transcripts.anchor(p.category(), p.series());
            h.add(id == null ? esc(label) : "<a href=\"#" + id + "\">" + esc(label) + "</a>");
            m.add(id == null ? label : "[" + label + "](#" + id + ")");
        }
        if (!pts.isEmpty()) {
            html.append("<p class=\"plot-links\">Transcripts: ").append(String.join(" &middot; ", h)).append("</p>\n");
            md.append("Transcripts: ").append(String.join(", ", m)).append("\n\n");
        }
    }

    private void figure(String name, String caption, byte[] png) {
        String file = "fig" + (++figures) + "-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".png";
        AtomicFiles.write(out.resolve(file), png);
        html.append("<figure><img alt=\"").append(esc(caption)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"><figcaption>").append(esc(caption))
                .append("</figcaption></figure>\n");
        md.append("![").append(caption).append("](").append(file).append(")\n\n");
    }

    private void heading(int level, String text) {
        html.append("<h").append(level).append('>').append(esc(text)).append("</h").append(level).append(">\n");
        md.append("#".repeat(level)).append(' ').append(text).append("\n\n");
    }

    private void para(String text) {
        html.append("<p>").append(esc(text).replaceAll("`([^`]*)`", "<code>$1</code>")).append("</p>\n");
        md.append(text).append("\n\n");
    }

    private void list(List<String> items) {
        html.append("<ul>\n");
        items.forEach(i -> html.append("<li>").append(esc(i)).append("</li>\n"));
        html.append("</ul>\n");
        items.forEach(i -> md.append("- ").append(i).append('\n'));
        md.append('\n');
    }

    private void table(Table t) {
        html.append(Html.table(t, null, null, -1));
        md.append(t.render(Table.Format.MARKDOWN)).append('\n');
    }

    static String esc(String s) {
        return Html.esc(s);
    }

    private static final String CSS = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;"
            + "margin:2em auto;padding:0 1em;color:#222}h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}"
            + "table{border-collapse:collapse;margin:.8em 0;font-size:.85em}td,th{border:1px solid #ddd;padding:3px 7px;"
            + "text-align:left;vertical-align:top}th{background:#f4f4f4}tr:nth-child(even) td{background:#fafafa}"
            + "code{background:#f2f2f2;padding:0 3px}figure{margin:1em 0}figcaption{font-size:.8em;color:#666}"
            + "td.ok{background:#e3f6e3!important}td.bad{background:#fbe3e3!important}td.unsure{background:#fff6d8!important}";

}
