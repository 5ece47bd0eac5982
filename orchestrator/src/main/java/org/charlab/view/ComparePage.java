package org.charlab.view;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.report.Comparison;
import org.charlab.report.ComparisonTable;
import org.charlab.report.MetricFilter;
import org.charlab.report.RunResults;
import org.charlab.report.Table;
import org.charlab.stats.Method;

/**
 * Any set of sweeps and runs compared with {@code charlab compare}'s own code path (RunResults ->
 * Comparison -> ComparisonTable): the JSON is byte for byte what {@code charlab compare --format json}
 * prints for the same runs and options, and the HTML table is its text rendering.
 *
 * <p>Query: {@code path} (repeated; "experiment/sweep" or "experiment/sweep/runs/run-id", relative to
 * the results root), {@code baseline}, {@code metrics} and {@code conditions} (comma-separated, as
 * compare's options), {@code family}, {@code stage}, {@code pool} (1 = --pool-experiments),
 * {@code level}.
 */
final class ComparePage {

    /** The parsed query, with compare's defaults. */
    record Query(List<String> paths, String baseline, List<String> metrics, List<String> conditions, String family,
            String stage, boolean pool, double level) {

        static Query of(Map<String, List<String>> q) {
            List<String> paths = q.getOrDefault("path", List.of()).stream().filter(p -> !p.isBlank()).toList();
            if (paths.isEmpty()) {
                throw new BadInput("compare: tick at least one sweep or run (query parameter 'path')");
            }
            double level = 0.95;
            String l = first(q, "level");
            if (l != null) {
                try {
                    level = Double.parseDouble(l);
                } catch (NumberFormatException e) {
                    throw new BadInput("level '" + l + "': a number between 0 and 1");
                }
                if (!(level > 0 && level < 1)) {
                    throw new BadInput("level must be between 0 and 1, found " + l);
                }
            }
            String family = first(q, "family");
            return new Query(paths, first(q, "baseline"), list(first(q, "metrics")), list(first(q, "conditions")),
                    family == null ? "all" : family, first(q, "stage"), "1".equals(first(q, "pool")), level);
        }

        private static String first(Map<String, List<String>> q, String name) {
            List<String> v = q.get(name);
            return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).strip();
        }

        private static List<String> list(String s) {
            return s == null ? List.of() : Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                    .toList();
        }
    }

    /** The comparison: the json/csv table (with duplicates_dropped), the text table, and what was found. */
    record Result(Table numeric, Table text, RunResults.Found found) {
    }

    private ComparePage() {
    }

    static Result compute(SafePaths paths, Query q) {
        List<Path> dirs = new ArrayList<>();
        for (String p : q.paths()) {
            dirs.add(paths.resolve(p));
        }
        RunResults.Found found = RunResults.load(dirs, q.stage(), q.pool());
        if (found.runs().isEmpty()) {
            throw new BadInput("no evaluated runs under " + q.paths()
                    + (found.skipped().isEmpty() ? "" : ": " + found.skipped()));
        }
        List<Comparison.Row> rows = Comparison.compute(found.runs(), MetricFilter.of(q.metrics(), q.conditions(),
                q.family()), q.baseline(), new Comparison.Settings(Method.PERCENTILE, q.level(), 2000, 0));
        boolean withBase = q.baseline() != null;
        return new Result(ComparisonTable.withDuplicates(ComparisonTable.of(rows, withBase, true), found),
                ComparisonTable.of(rows, withBase, false), found);
    }

    static String json(SafePaths paths, Query q) {
        return compute(paths, q).numeric().render(Table.Format.JSON);
    }

    static String html(SafePaths paths, Query q, String rawQuery) {
        Result r = compute(paths, q);
        StringBuilder b = new StringBuilder();
        b.append("<p>Runs under: ").append(Html.esc(String.join(", ", q.paths()))).append(". ")
                .append(r.found().runs().size()).append(" evaluated runs")
                .append(q.baseline() == null ? "" : ", baseline " + Html.esc(q.baseline())).append(". Estimator of "
                + "<code>charlab compare</code>: mean of seed means, crossed seed x prompt interval (Korn-Graubard for "
                + "rates); differences paired on seed and prompt. ")
                .append(Html.link("/api/compare?" + rawQuery, "JSON")).append(" (equal to <code>charlab compare "
                + "--format json</code>).</p>\n");
        b.append("<form action=\"/compare\" method=\"get\">");
        for (String p : q.paths()) {
            b.append("<input type=\"hidden\" name=\"path\" value=\"").append(Html.esc(p)).append("\">");
        }
        b.append("<label>baseline <input name=\"baseline\" size=\"10\" value=\"")
                .append(Html.esc(q.baseline() == null ? "" : q.baseline())).append("\"></label> ")
                .append("<label>metrics <input name=\"metrics\" size=\"20\" value=\"")
                .append(Html.esc(String.join(",", q.metrics()))).append("\"></label> ")
                .append("<label>conditions <input name=\"conditions\" size=\"10\" value=\"")
                .append(Html.esc(String.join(",", q.conditions()))).append("\"></label> ")
                .append("<label>family <input name=\"family\" size=\"12\" value=\"").append(Html.esc(q.family()))
                .append("\"></label> <button type=\"submit\">Update</button></form>\n");
        b.append(Html.table(r.text()));
        if (!r.found().duplicates().isEmpty()) {
            b.append("<p>").append(Html.esc(r.found().duplicatesLine())).append("</p>\n");
        }
        for (String s : r.found().skipped()) {
            b.append("<p>skipped ").append(Html.esc(s)).append("</p>\n");
        }
        return Html.page("Comparison", b.toString());
    }
}
