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
import org.charlab.config.BadInput;
import org.charlab.stats.Bootstrap;
import org.charlab.stats.ClusterBootstrap;
import org.charlab.stats.ColumnFile;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
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
            "Intervals are reproducible: the same file, options and --seed give the same numbers."},
        footer = {"", "Examples:",
            "  charlab stats eval/samples.jsonl --value trait_in_output --cluster prompt_id --group condition",
            "  charlab stats scores.csv --value correct --method wilson --json"})
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

    @Option(names = "--group", paramLabel = "FIELD", description = "One interval per distinct value of FIELD, in order of first appearance.")
    String group;

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
        if (m == Method.WILSON && cluster != null) {
            throw new BadInput("--method wilson assumes independent rows; with --cluster use percentile or bca");
        }
        ColumnFile data = ColumnFile.read(file, value, cluster, group);

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
        List<Row> results = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : rows.entrySet()) {
            results.add(new Row(e.getKey(), interval(data, e.getValue(), m), skipped.getOrDefault(e.getKey(), 0)));
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
                out.println(JSON.writeValueAsString(o));
            }
        } else {
            printTable(out, results, m);
        }
        out.flush();
        return Main.EXIT_OK;
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
            head.add("clusters");
        }
        head.addAll(List.of("skipped", "estimate", "low", "high", "se"));
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
        String how = m == Method.WILSON
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

    private record Row(String group, Interval interval, int skipped) {
    }
}
