package org.charlab.report;

import java.util.List;
import java.util.Locale;
import org.charlab.eval.OutputMetrics;
import org.charlab.stats.Interval;

/**
 * Trait rates measured on garble: a tiny model fine-tuned too hard writes malformed words, and a
 * trait detector firing on them is not the trait. A group of runs whose well-formed rate
 * ({@code quality.well_formed_rate}, same condition and family, seeds aggregated as in the
 * comparison) is below a bound ({@code report.well_formed_bound}, default {@value #DEFAULT_BOUND})
 * gets a flag next to each of its output-side trait metrics in compare, the report's comparison table
 * and its findings. {@code <p>.output_rate_wellformed}, computed over the well-formed outputs only, is
 * never flagged: it is the rate to judge such an arm on.
 */
final class Malformed {

    static final double DEFAULT_BOUND = 0.9;

    private Malformed() {
    }

    /** Whether {@code metric} reads outputs that may be malformed: an output-side trait metric but the well-formed-only rate. */
    static boolean applies(String metric) {
        return OutputMetrics.overOutputs(metric) && !metric.endsWith(".output_rate_wellformed");
    }

    /** The well-formed rate of {@code runs} in (condition, family), or NaN when they have none. */
    static double rate(List<RunResult> runs, String condition, String family, Comparison.Settings s) {
        Interval iv = Comparison.aggregate(runs, "quality.well_formed_rate", condition, family, s);
        return iv == null || !iv.isDefined() ? Double.NaN : iv.estimate();
    }

    /** "measured on malformed output: well-formed 0.44" when {@code wellFormed} is below {@code bound}, else "". */
    static String flag(double wellFormed, double bound) {
        return !Double.isNaN(wellFormed) && wellFormed < bound
                ? String.format(Locale.ROOT, "measured on malformed output: well-formed %.2f", wellFormed) : "";
    }

    /** The flag of {@code metric} for {@code runs} in (condition, family): "" when it does not apply or is not below. */
    static String of(List<RunResult> runs, String metric, String condition, String family, Comparison.Settings s) {
        return applies(metric) ? flag(rate(runs, condition, family, s), s.wellFormedBound()) : "";
    }
}
