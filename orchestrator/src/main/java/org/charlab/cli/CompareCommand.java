package org.charlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.charlab.BadInput;
import org.charlab.eval.MetricEntry;
import org.charlab.report.Comparison;
import org.charlab.report.ComparisonTable;
import org.charlab.report.MetricFilter;
import org.charlab.report.RunResults;
import org.charlab.report.Table;
import org.charlab.stats.Method;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare evaluated runs: per metric, the estimate and interval of every arm (the mean of seed "
                + "means; seeds and prompts crossed: a two-way random-effects t interval, Korn-Graubard for rates), "
                + "and with --baseline the difference against that arm paired on seed and prompt, with its interval "
                + "and two-sided p-value (docs/results-format.md, 'Intervals across seeds and prompts').",
        footer = {"", "Metrics are those of metrics.json (docs/results-format.md). Runs evaluated on different "
                + "prompts are never paired silently: the row says so.", "",
                "Runs of different experiments stay in separate groups, labelled experiment/arm (\"quickstart/plain\"), "
                + "unless --pool-experiments. A run is identified by its eval stage's key: runs that are the same "
                + "evaluation (the same cached result reached through two sweeps) count once in their group, and the "
                + "output names them (a line after the text/markdown table, column duplicates_dropped in csv/json)."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Sweep directories and/or run directories.")
    List<Path> paths;

    @Option(names = "--baseline", paramLabel = "ARM", description = "Add the paired difference of every arm against this one.")
    String baseline;

    @Option(names = "--metrics", paramLabel = "GLOB", split = ",", description = "Metric names to show, with * "
            + "wildcards (default: every metric).")
    List<String> metrics = new ArrayList<>();

    @Option(names = "--conditions", paramLabel = "NAME", split = ",", description = "Conditions to show (default: all).")
    List<String> conditions = new ArrayList<>();

    @Option(names = "--family", paramLabel = "F", description = "Task family of the metrics, or in_distribution / "
            + "out_of_distribution (default: ${DEFAULT-VALUE}; accuracy rows always show their own family).")
    String family = "all";

    @Option(names = "--pool-experiments", description = "Group runs of different experiments by arm alone "
            + "(default: each experiment's arms are their own groups, labelled experiment/arm).")
    boolean poolExperiments;

    @Option(names = "--well-formed-bound", paramLabel = "RATE", description = "Flag the output trait rates of an arm "
            + "whose well-formed rate is below this as measured on malformed output (default: ${DEFAULT-VALUE}).")
    double wellFormedBound = 0.9;

    @Option(names = "--stage", paramLabel = "NAME", description = "Eval stage to read (default: each run's last eval stage).")
    String stage;

    @Option(names = "--format", paramLabel = "FMT", description = "text, markdown, csv or json (default: ${DEFAULT-VALUE}).")
    String format = "text";

    @Option(names = "--method", description = "Accepted for older scripts and not used: compare's own intervals are "
            + "the crossed t / Korn-Graubard ones, without resampling (default: ${DEFAULT-VALUE}).")
    String method = "percentile";

    @Option(names = "--level", description = "Confidence level (default: ${DEFAULT-VALUE}).")
    double level = 0.95;

    @Option(names = "--resamples", description = "Accepted for older scripts and not used (default: ${DEFAULT-VALUE}).")
    int resamples = 2000;

    @Option(names = "--seed", description = "Accepted for older scripts and not used (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Table.Format fmt = parseFormat(format);
        Method m = parseMethod(method);
        if (!(level > 0 && level < 1)) {
            throw new BadInput("--level must be between 0 and 1, found " + level);
        }
        if (resamples < 100) {
            throw new BadInput("--resamples must be at least 100, found " + resamples);
        }
        RunResults.Found found = RunResults.load(paths, stage, poolExperiments);
        if (found.runs().isEmpty()) {
            throw new BadInput("no evaluated runs under " + paths + (found.skipped().isEmpty() ? "" : ": " + found.skipped()));
        }
        List<Comparison.Row> rows = Comparison.compute(found.runs(), filter(), baseline,
                new Comparison.Settings(m, level, resamples, seed, wellFormedBound));
        Table t = ComparisonTable.of(rows, baseline != null, fmt == Table.Format.CSV || fmt == Table.Format.JSON);
        if (fmt == Table.Format.CSV || fmt == Table.Format.JSON) {
            t = ComparisonTable.withDuplicates(t, found);
        }
        out.print(t.render(fmt));
        if (fmt == Table.Format.TEXT || fmt == Table.Format.MARKDOWN) {
            if (!found.duplicates().isEmpty()) {
                out.println(found.duplicatesLine());
            }
            for (String s : found.skipped()) {
                out.println("skipped " + s);
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private Predicate<MetricEntry> filter() {
        return MetricFilter.of(metrics, conditions, family);
    }

    static Table.Format parseFormat(String f) {
        return switch (f.toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> Table.Format.TEXT;
            case "markdown", "md" -> Table.Format.MARKDOWN;
            case "csv" -> Table.Format.CSV;
            case "json" -> Table.Format.JSON;
            default -> throw new BadInput("--format '" + f + "': allowed are text, markdown, csv, json");
        };
    }

    static Method parseMethod(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "percentile" -> Method.PERCENTILE;
            case "bca" -> Method.BCA;
            default -> throw new BadInput("--method '" + s + "': allowed are percentile, bca");
        };
    }
}
