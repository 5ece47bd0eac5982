package org.charlab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import org.charlab.config.Expectation;
import org.charlab.stats.Interval;

/**
 * The answer the data gives, in one short table read before anything else: each expectation's
 * verdict with its estimate and interval; or, for a study without expectations, the few largest
 * paired differences against the baseline (rates and accuracies only, so that sizes compare) with
 * their intervals. {@link #html} and {@link #markdown} are fragments a page can embed.
 *
 * @param lead   one sentence saying what the table holds (or why there is none)
 * @param table  the findings, null when there are none
 * @param groups per table row, the group whose transcripts it links to
 * @param conditions per table row, the condition of those transcripts
 */
public record Findings(String lead, Table table, List<String> groups, List<String> conditions) {

    /** Rows shown when listing differences. */
    public static final int LARGEST = 5;

    /**
     * The findings of judged expectations: one row each, with its verdict, estimate and interval; for
     * an expectation judged per grid point ({@link ExpectationRegion}), never a pooled verdict but
     * "holds at k of n points" and the points where it holds with their estimates.
     */
    public static Findings ofExpectations(List<ExpectationRegion> regions) {
        Table t = new Table(List.of("verdict", "claim", "arm", "metric (condition, family)", "estimate [interval]",
                "bound"));
        List<String> groups = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        boolean grid = false;
        for (ExpectationRegion r : regions) {
            Expectation e = r.expectation();
            String verdict;
            String estimate;
            if (r.isGrid()) {
                grid = true;
                List<ExpectationCheck> holds = r.checks().stream().filter(c -> c.verdict() == Verdict.REPRODUCED)
                        .toList();
                verdict = "holds at " + holds.size() + " of " + r.checks().size() + " grid points";
                estimate = holds.isEmpty() ? r.summary() : String.join("; ", holds.stream()
                        .map(c -> c.point() + ": " + ComparisonTable.text(c.interval())).toList());
            } else {
                ExpectationCheck c = r.checks().get(0);
                verdict = c.verdict().label();
                estimate = c.interval() == null ? c.note() : ComparisonTable.text(c.interval())
                        + (c.note().isEmpty() ? "" : "; " + c.note());
            }
            t.add(List.of(verdict, e.claim().isEmpty() ? e.metric() : e.claim(),
                    e.arm() + (e.baseline() == null ? "" : " - " + e.baseline()),
                    e.metric() + " (" + e.condition() + ", " + e.family() + ")", estimate,
                    (e.relation() == Expectation.Relation.AT_LEAST ? ">= " : "<= ") + e.value()));
            groups.add(e.arm());
            conditions.add(e.condition());
        }
        return new Findings("Each expectation of the study, judged from its interval alone (reproduced: the whole "
                + "interval satisfies the bound; not reproduced: the whole interval violates it; inconclusive: it "
                + "straddles the bound; not measured: no interval)" + (grid ? "; with a grid, at each grid point on "
                + "its own: the points where it holds are listed here, every point in the next section." : "."),
                t, groups, conditions);
    }

    /**
     * The {@value #LARGEST} largest paired differences (by absolute estimate) among the rates and
     * accuracies of comparison rows computed against {@code baseline}.
     */
    public static Findings ofDifferences(List<Comparison.Row> rows, String baseline, String baselineWhy) {
        List<Comparison.Row> paired = rows.stream().filter(r -> r.delta() != null && r.delta().interval().isDefined()
                && share(r.metric())).sorted(Comparator.comparingDouble(
                        (Comparison.Row r) -> -Math.abs(r.delta().interval().estimate())).thenComparing(Comparison.Row::metric)
                        .thenComparing(Comparison.Row::group)).limit(LARGEST).toList();
        if (paired.isEmpty()) {
            return new Findings("No paired difference against `" + baseline + "` to report" + baselineWhy
                    + ": see the comparison table.", null, List.of(), List.of());
        }
        Table t = new Table(List.of("metric", "condition", "family", "arm", "arm estimate", "difference vs "
                + baseline + " [interval]", "p"));
        List<String> groups = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        for (Comparison.Row r : paired) {
            Interval d = r.delta().interval();
            t.add(List.of(r.metric(), r.condition(), r.family(), r.group(), ComparisonTable.num(r.value().estimate())
                    + (r.malformed().isEmpty() ? "" : " (" + r.malformed() + ")"),
                    ComparisonTable.text(d), Double.isNaN(r.delta().pValue()) ? "" : ComparisonTable.pValue(r.delta().pValue())));
            groups.add(r.group());
            conditions.add(r.condition());
        }
        return new Findings("No expectations in this study: the " + paired.size() + " largest paired differences "
                + "against `" + baseline + "`" + baselineWhy + " among trait rates, accuracies and well-formed and "
                + "unclosed shares (same seeds and prompts; intervals as in the comparison table).", t, groups, conditions);
    }

    /** Nothing to compare: one group only. */
    public static Findings none(String why) {
        return new Findings(why, null, List.of(), List.of());
    }

    /** Metrics on a 0-1 scale, whose differences compare in size. */
    static boolean share(String metric) {
        return metric.startsWith("trait.") && (metric.endsWith(".output_rate") || metric.endsWith(".cot_rate"))
                || metric.startsWith("capability.accuracy.") || metric.equals("quality.well_formed_rate")
                || metric.equals(org.charlab.eval.OutputMetrics.UNCLOSED_SHARE);
    }

    /**
     * The fragment: the lead sentence and the table ({@code id="findings"}); {@code link} gives the
     * fragment id of a (group, condition)'s transcripts, or null, and links the arm cell there.
     */
    public String html(BiFunction<String, String, String> link) {
        String lead = "<p>" + Html.esc(this.lead).replaceAll("`([^`]*)`", "<code>$1</code>") + "</p>\n";
        if (table == null) {
            return lead;
        }
        int armColumn = table.columns().indexOf("arm");
        return lead + Html.table(table, "findings", i -> {
            String id = link.apply(groups.get(i), conditions.get(i));
            return id == null ? null : "#" + id;
        }, armColumn);
    }

    public String markdown() {
        return lead + "\n\n" + (table == null ? "" : table.render(Table.Format.MARKDOWN) + "\n");
    }
}
