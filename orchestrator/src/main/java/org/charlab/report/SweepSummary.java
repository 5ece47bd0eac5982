package org.charlab.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.charlab.config.Binder;
import org.charlab.config.Node;
import org.charlab.config.ReportConfig;
import org.charlab.config.Source;
import org.charlab.plan.Plan;
import org.charlab.results.SweepDir;

/** What `charlab run` shows when a sweep with evaluations ends: the comparison table and the report. */
public final class SweepSummary {

    private SweepSummary() {
    }

    /** The experiment's report settings, as recorded in the plan. */
    public static ReportConfig settings(Plan plan) {
        Object raw = plan.runs().isEmpty() ? null : plan.runs().get(0).config().get("report");
        return new Binder(t -> null).bind(ReportConfig.class,
                Node.fromPlain(raw == null ? java.util.Map.of() : raw, Source.builtIn("plan.json")), "report");
    }

    public static void print(SweepDir dir, PrintWriter out) throws IOException {
        Plan plan = Plan.read(dir.plan());
        ReportConfig rc = settings(plan);
        if (!rc.auto()) {
            return;
        }
        RunResults.Found found = RunResults.load(List.of(dir.dir()), null);
        if (found.runs().isEmpty()) {
            return;
        }
        String wanted = rc.baseline();
        boolean present = wanted != null && found.runs().stream().anyMatch(r -> r.matchesBaseline(wanted));
        if (wanted != null && !present) {
            out.println("report.baseline '" + wanted + "' has no evaluated run; differences left out");
        }
        String baseline = present ? wanted : null;
        Comparison.Settings s = Comparison.Settings.defaults().withWellFormedBound(rc.wellFormedBound());
        List<Comparison.Row> rows = Comparison.compute(found.runs(), MetricFilter.of(rc.metrics(), List.of(), "all"),
                baseline, s);
        out.println();
        out.print(ComparisonTable.of(rows, baseline != null, false).render(Table.Format.TEXT));
        if (!found.duplicates().isEmpty()) {
            out.println(found.duplicatesLine());
        }
        Report.Written w = new Report(dir, found, baseline, s, dir.dir().resolve("report")).write();
        for (ExpectationRegion c : w.checks()) {
            out.println(c.line());
        }
        out.println("report: " + w.html());
        out.flush();
    }
}
