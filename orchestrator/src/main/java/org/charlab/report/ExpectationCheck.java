package org.charlab.report;

import java.util.List;
import org.charlab.config.Expectation;
import org.charlab.stats.Interval;

/**
 * One expectation of an experiment, the interval it was judged on, and the verdict. {@code point}
 * is the grid point it was judged at ({@link RunResult#point()}), empty when the sweep has no grid
 * (a sweep with a grid is judged point by point: {@link ExpectationRegion}).
 */
public record ExpectationCheck(Expectation expectation, String point, Interval interval, Verdict verdict, String note) {

    /** A check of a sweep without a grid. */
    public ExpectationCheck(Expectation expectation, Interval interval, Verdict verdict, String note) {
        this(expectation, "", interval, verdict, note);
    }

    /**
     * Judges {@code e} against all the runs found, whatever their grid point: callers pass the runs
     * of one point ({@link ExpectationRegion#judge}). An expectation whose arm or baseline has
     * planned runs that have not finished its eval stage is not measured: judging it on the runs
     * that happen to be done would judge a subset of the design (a selection, when the missing runs
     * are the ones that failed).
     */
    static ExpectationCheck judge(Expectation e, RunResults.Found found, Comparison.Settings s) {
        List<RunResult> runs = found.runs();
        List<RunResult> arm = Comparison.runsOf(runs, e.arm(), e.stage());
        String incomplete = incomplete(found, e.arm(), e.stage(), "");
        if (incomplete == null && e.baseline() != null) {
            incomplete = incomplete(found, e.baseline(), e.stage(), "baseline '" + e.baseline() + "': ");
        }
        if (incomplete != null) {
            return new ExpectationCheck(e, null, Verdict.NOT_MEASURED, incomplete);
        }
        if (arm.isEmpty()) {
            return new ExpectationCheck(e, null, Verdict.NOT_MEASURED, "no evaluated run of arm '" + e.arm() + "'");
        }
        // an output-side rate knows nothing of samples without an output (OutputMetrics): none -> not
        // measured; a majority without -> the verdict says so
        String note = "";
        for (String who : e.baseline() == null ? List.of(e.arm()) : List.of(e.arm(), e.baseline())) {
            Unclosed u = Unclosed.of(Comparison.runsOf(runs, who, e.stage()), e.condition(), e.family());
            String flag = u.note(e.metric(), "arm '" + who + "'", e.condition(), e.family());
            if (u.notMeasured(e.metric())) {
                return new ExpectationCheck(e, null, Verdict.NOT_MEASURED, flag);
            }
            note = join(note, flag);
            // a trait rate on garble is judged, and says so (Malformed)
            String malformed = Malformed.of(Comparison.runsOf(runs, who, e.stage()), e.metric(), e.condition(),
                    e.family(), s);
            note = join(note, malformed.isEmpty() ? "" : "arm '" + who + "' " + malformed);
        }
        Interval iv;
        if (e.baseline() == null) {
            iv = Comparison.aggregate(arm, e.metric(), e.condition(), e.family(), s);
        } else {
            List<RunResult> base = Comparison.runsOf(runs, e.baseline(), e.stage());
            if (base.isEmpty()) {
                return new ExpectationCheck(e, null, Verdict.NOT_MEASURED, "no evaluated run of arm '" + e.baseline() + "'");
            }
            Comparison.Delta d = Comparison.difference(arm, base, e.metric(), e.condition(), e.family(), s);
            iv = d.delta() == null ? null : d.delta().interval();
            note = join(d.note(), note);
        }
        if (iv == null) {
            return new ExpectationCheck(e, null, Verdict.NOT_MEASURED, note.isEmpty() ? "metric not found" : note);
        }
        if (!iv.isDefined()) {
            return new ExpectationCheck(e, iv, Verdict.NOT_MEASURED, iv.undefinedReason());
        }
        return new ExpectationCheck(e, iv, Verdict.judge(iv.low(), iv.high(), e.relation(), e.value()), note);
    }

    /**
     * "not measured (k of n runs finished)" when some planned runs of {@code arm} (a group label
     * or an arm name) have not finished {@code stage} (null: their eval stage), else null. Runs
     * counted once as duplicates of another evaluation still count as finished here.
     */
    private static String incomplete(RunResults.Found found, String arm, String stage, String prefix) {
        long pending = found.unfinished().stream().filter(u -> (u.group().equals(arm) || u.arm().equals(arm))
                && (stage == null || stage.equals(u.stage()))).count();
        if (pending == 0) {
            return null;
        }
        long finished = Comparison.runsOf(found.runs(), arm, stage).size() + found.duplicates().stream()
                .map(RunResults.Duplicate::dropped)
                .filter(r -> (r.group().equals(arm) || r.arm().equals(arm)) && (stage == null || stage.equals(r.stage())))
                .count();
        return "not measured (" + prefix + finished + " of " + (finished + pending) + " runs finished)";
    }

    /** This check as judged at grid point {@code p}. */
    ExpectationCheck at(String p) {
        return new ExpectationCheck(expectation, p, interval, verdict, note);
    }

    /** "not measured (2 of 3 runs finished)" or the verdict's label: what a table cell starts with. */
    public String label() {
        return verdict == Verdict.NOT_MEASURED && note.startsWith("not measured (") ? note : verdict.label();
    }

    /** The line `run` and `report` print: "reproduced: claim", "not measured (2 of 3 runs finished): claim". */
    public String line() {
        String claim = expectation.claim().isEmpty() ? expectation.metric() : expectation.claim();
        return label() + ": " + claim;
    }

    private static String join(String a, String b) {
        return a.isEmpty() || b.isEmpty() ? a + b : a + "; " + b;
    }
}
