package org.charlab.report;

import java.util.List;
import org.charlab.config.Expectation;
import org.charlab.stats.Interval;

/** One expectation of an experiment, the interval it was judged on, and the verdict. */
public record ExpectationCheck(Expectation expectation, Interval interval, Verdict verdict, String note) {

    /** Judges every expectation against the runs of a sweep. */
    public static List<ExpectationCheck> judge(List<Expectation> expectations, List<RunResult> runs, Comparison.Settings s) {
        return expectations.stream().map(e -> judge(e, runs, s)).toList();
    }

    static ExpectationCheck judge(Expectation e, List<RunResult> runs, Comparison.Settings s) {
        List<RunResult> arm = Comparison.runsOf(runs, e.arm(), e.stage());
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

    private static String join(String a, String b) {
        return a.isEmpty() || b.isEmpty() ? a + b : a + "; " + b;
    }
}
