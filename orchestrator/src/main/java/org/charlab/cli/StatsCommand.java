package org.charlab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.charlab.BadInput;
import org.charlab.stats.Bootstrap;
import org.charlab.stats.ClusterBootstrap;
import org.charlab.stats.ColumnFile;
import org.charlab.stats.CrossedDesign;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
import org.charlab.stats.PairedDifference;
import org.charlab.stats.Wilson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code charlab stats FILE}: estimate and confidence interval for one column of any JSONL or CSV file. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {
            "Point estimate (the mean) and confidence interval for one column of a JSONL or CSV file, "
                    + "optionally one per group. Works on any file, not only charlab's own results.",
            "Values: numbers, numeric text, or true/false (1/0). Null or empty values are skipped and counted.",
            "Intervals are reproducible: the same file, options and --seed give the same numbers.",
            "With --replicate (e.g. the training seed) crossed with --cluster (e.g. the prompt), the estimate is the "
                    + "mean of replicate means and the interval accounts for both: a two-way random-effects variance "
                    + "with a Satterthwaite t quantile, or Korn-Graubard when every value is 0/1 (see "
                    + "docs/results-format.md, 'Intervals across seeds and prompts'). No resampling."},
        footer = {"", "Examples:",
            "  charlab stats eval/samples.jsonl --value trait_in_output --cluster prompt_id --group condition",
            "  charlab stats scores.csv --value correct --method wilson --json",
            "  charlab stats samples.jsonl --value trait --cluster prompt_id --replicate seed --group arm --baseline none"})
public final class StatsCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "JSONL (one object per line) or CSV with a header row.")
    Path file;

    @Option(names = "--value", paramLabel = "FIELD", defaultValue = "value",
            description = "Column to summarise; in JSONL a dotted path reaches nested fields. Default: ${DEFAULT-VALUE}.")
    String value;

    @Option(names = "--cluster", paramLabel = "FIELD",
            description = "Rows with the same FIELD (e.g. prompt_id) form one cluster: the bootstrap resamples whole "
                    + "clusters, so repeated samples of a prompt are not counted as independent. The estimate stays "
                    + "the mean over all rows.")
    String cluster;

    @Option(names = "--replicate", paramLabel = "FIELD",
            description = "Rows with the same FIELD (e.g. seed) come from one training replicate; replicates are "
                    + "crossed with --cluster (every replicate evaluated on the same clusters). Needs --cluster; "
                    + "the interval is then the crossed seed x prompt one, and --method, --resamples and --seed do "
                    + "not apply.")
    String replicate;

    @Option(names = "--group", paramLabel = "FIELD", description = "One interval per distinct value of FIELD, in order of first appearance.")
    String group;

    @Option(names = "--baseline", paramLabel = "VALUE",
            description = "With --replicate and --group: each other group also gets its difference from group VALUE, "
                    + "paired on replicate and cluster (\"difference\" in --json: estimate, low, high, p_value).")
    String baseline;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "bca",
            description = "percentile, bca (bias-corrected and accelerated bootstrap) or wilson (score interval "
                    + "for 0/1 values, independent rows only). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "0.95",
            description = "Confidence level, strictly between 0 and 1. Default: ${DEFAULT-VALUE}.")
    double level;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "10000",
            description = "Bootstrap resamples (ignored by wilson). Default: ${DEFAULT-VALUE}.")
    int resamples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the bootstrap's random draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", description = "One JSON object per group and line: estimate, low, high, se, method, "
            + "level, resamples, seed, n, units, resampling, skipped (and group, undefined when they apply).")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Method m;
        try {
            m = Method.parse(method);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--method " + method + ": allowed values are percentile, bca, wilson");
        }
        if (!(level > 0 && level < 1)) {
            throw new BadInput("--level " + level + ": must be strictly between 0 and 1 (e.g. 0.95)");
        }
        if (resamples < 1) {
            throw new BadInput("--resamples " + resamples + ": must be at least 1");
        }
        if (m == Method.T || m == Method.KORN_GRAUBARD) {
            throw new BadInput("--method " + method + ": allowed values are percentile, bca, wilson (the t and "
                    + "korn-graubard intervals come with --replicate)");
        }
        if (m == Method.WILSON && cluster != null) {
            throw new BadInput("--method wilson assumes independent rows; with --cluster use percentile or bca");
        }
        if (replicate != null && cluster == null) {
            throw new BadInput("--replicate needs --cluster: replicates are crossed with clusters (e.g. --cluster "
                    + "prompt_id --replicate seed)");
        }
        if (replicate != null) {
            for (String o : List.of("--method", "--resamples", "--seed")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new BadInput(o + " does not apply with --replicate: the crossed interval does not resample");
                }
            }
        }
        if (baseline != null && (replicate == null || group == null)) {
            throw new BadInput("--baseline needs --replicate and --group (the difference is paired on replicate and "
                    + "cluster)");
        }
        ColumnFile data = ColumnFile.read(file, value, cluster, replicate, group);

        // Rows by group, in order of first appearance.
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int i = 0; i < data.values().length; i++) {
            rows.computeIfAbsent(group == null ? "" : data.groups()[i], g -> new ArrayList<>()).add(i);
        }
        Map<String, Integer> skipped = new LinkedHashMap<>();
        for (String g : data.skipped()) {
            skipped.merge(g, 1, Integer::sum);
            rows.putIfAbsent(g, new ArrayList<>());
        }
        if (rows.isEmpty()) {
            rows.put("", new ArrayList<>());
        }
        if (baseline != null && !rows.containsKey(baseline)) {
            throw new BadInput("--baseline '" + baseline + "' is not a value of --group " + group + " in " + file
                    + " (values: " + String.join(", ", rows.keySet()) + ")");
        }
        List<Row> results = new ArrayList<>();
        if (replicate == null) {
            for (Map.Entry<String, List<Integer>> e : rows.entrySet()) {
                results.add(new Row(e.getKey(), interval(data, e.getValue(), m), null,
                        skipped.getOrDefault(e.getKey(), 0)));
            }
        } else {
            Map<String, CrossedDesign> designs = crossed(data, rows);
            for (Map.Entry<String, CrossedDesign> e : designs.entrySet()) {
                PairedDifference d = baseline == null || e.getKey().equals(baseline) ? null
                        : CrossedDesign.difference(e.getValue(), designs.get(baseline), level);
                results.add(new Row(e.getKey(), e.getValue().mean(level), d, skipped.getOrDefault(e.getKey(), 0)));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            for (Row r : results) {
                Map<String, Object> o = new LinkedHashMap<>();
                if (group != null) {
                    o.put("group", r.group);
                }
                o.put("value", value);
                o.putAll(r.interval.toMap());
                o.put("skipped", r.skipped);
                if (cluster != null) {
                    o.put("cluster", cluster);
                }
                if (replicate != null) {
                    o.put("replicate", replicate);
                }
                if (r.difference != null) {
                    Map<String, Object> d = r.difference.toMap();
                    d.put("baseline", baseline);
                    o.put("difference", d);
                }
                out.println(JSON.writeValueAsString(o));
            }
        } else {
            printTable(out, results, m);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** One crossed design per group, with replicate and cluster keys numbered across all groups (so they pair). */
    private static Map<String, CrossedDesign> crossed(ColumnFile data, Map<String, List<Integer>> rows) {
        Map<String, Integer> replicateIds = new HashMap<>();
        Map<String, Integer> clusterIds = new HashMap<>();
        Map<String, CrossedDesign> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : rows.entrySet()) {
            List<Integer> idx = e.getValue();
            double[] x = new double[idx.size()];
            int[] rep = new int[x.length];
            int[] clu = new int[x.length];
            for (int j = 0; j < x.length; j++) {
                int i = idx.get(j);
                x[j] = data.values()[i];
                rep[j] = replicateIds.computeIfAbsent(data.replicates()[i], k -> replicateIds.size());
                clu[j] = clusterIds.computeIfAbsent(data.clusters()[i], k -> clusterIds.size());
            }
            out.put(e.getKey(), CrossedDesign.of(x, rep, clu));
        }
        return out;
    }

    private Interval interval(ColumnFile data, List<Integer> rows, Method m) {
        double[] x = new double[rows.size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = data.values()[rows.get(j)];
        }
        if (m == Method.WILSON) {
            for (int j = 0; j < x.length; j++) {
                if (x[j] != 0 && x[j] != 1) {
                    throw BadInput.at(file, data.lines()[rows.get(j)], "--method wilson needs 0/1 or true/false values; '"
                            + value + "' is " + x[j]);
                }
            }
            return Wilson.interval(x, level);
        }
        if (cluster == null) {
            return Bootstrap.mean(x, m, level, resamples, seed);
        }
        Map<String, Integer> ids = new HashMap<>();
        int[] id = new int[x.length];
        for (int j = 0; j < x.length; j++) {
            id[j] = ids.computeIfAbsent(data.clusters()[rows.get(j)], k -> ids.size());
        }
        return ClusterBootstrap.mean(x, id, m, level, resamples, seed);
    }

    private void printTable(PrintWriter out, List<Row> results, Method m) {
        List<String[]> cells = new ArrayList<>();
        List<String> head = new ArrayList<>();
        if (group != null) {
            head.add(group);
        }
        head.add("n");
        if (cluster != null) {
            head.add(replicate == null ? "clusters" : "cells");
        }
        head.addAll(List.of("skipped", "estimate", "low", "high", "se"));
        if (baseline != null) {
            head.addAll(List.of("difference", "low", "high", "p"));
        }
        cells.add(head.toArray(new String[0]));
        for (Row r : results) {
            List<String> c = new ArrayList<>();
            if (group != null) {
                c.add(r.group);
            }
            Interval iv = r.interval;
            c.add(Integer.toString(iv.n()));
            if (cluster != null) {
                c.add(Integer.toString(iv.units()));
            }
            c.add(Integer.toString(r.skipped));
            if (iv.isDefined()) {
                c.addAll(List.of(num(iv.estimate()), num(iv.low()), num(iv.high()), num(iv.standardError())));
            } else {
                // Last on the line, so a long reason runs on without pushing other columns.
                c.addAll(List.of("undefined (" + iv.undefinedReason() + ")", "", "", ""));
            }
            if (baseline != null) {
                Interval d = r.difference == null ? null : r.difference.interval();
                if (d == null) {
                    c.addAll(List.of("baseline", "", "", ""));
                } else if (d.isDefined()) {
                    c.addAll(List.of(num(d.estimate()), num(d.low()), num(d.high()), num(r.difference.pValue())));
                } else {
                    c.addAll(List.of("undefined (" + d.undefinedReason() + ")", "", "", ""));
                }
            }
            cells.add(c.toArray(new String[0]));
        }
        int cols = cells.get(0).length;
        int[] width = new int[cols];
        for (String[] row : cells) {
            for (int i = 0; i < cols; i++) {
                // An undefined reason may run past its column; do not widen the column for it.
                if (!row[i].startsWith("undefined (")) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                boolean text = group != null && i == 0 || row[i].startsWith("undefined (");
                String f = text ? "%-" + width[i] + "s" : "%" + width[i] + "s";
                line.append(i == 0 ? "" : "  ").append(String.format(Locale.ROOT, f, row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        String how = replicate != null
                ? String.format(Locale.ROOT, "%s: mean of '%s' means over clusters of '%s', level %s; t interval with "
                        + "the crossed %s x %s variance (Satterthwaite df), Korn-Graubard for 0/1 values%s", value,
                        replicate, cluster, level, replicate, cluster, baseline == null ? ""
                                : "; differences from '" + baseline + "' paired on " + replicate + " and " + cluster)
                : m == Method.WILSON
                ? String.format(Locale.ROOT, "%s: wilson score interval, level %s", value, level)
                : String.format(Locale.ROOT, "%s: %s bootstrap, level %s, %d resamples, seed %d, %s", value, m.label(),
                        level, resamples, seed, cluster == null ? "rows resampled independently"
                                : "clusters of '" + cluster + "' resampled");
        out.println(how);
    }

    private static String num(double v) {
        double a = Math.abs(v);
        return a == 0 || (a >= 1e-3 && a < 1e6) ? String.format(Locale.ROOT, "%.4f", v)
                : String.format(Locale.ROOT, "%.4e", v);
    }

    private record Row(String group, Interval interval, PairedDifference difference, int skipped) {
    }
}
