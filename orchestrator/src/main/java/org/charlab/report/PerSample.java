package org.charlab.report;

import java.util.function.ToDoubleFunction;
import org.charlab.eval.MetricRegistry;
import org.charlab.eval.SampleRow;

/**
 * The metrics of metrics.json that are means of one number per sample, with that number, as
 * {@link MetricRegistry} defines it ({@link org.charlab.eval.Metric#perSampleOn}): these can be
 * re-estimated across seeds and prompts ({@link org.charlab.stats.CrossedDesign}) and paired across
 * arms. The others (correlations, ratios, pooled legibility rates) are aggregated from their
 * per-run estimates.
 */
final class PerSample {

    private PerSample() {
    }

    /** The per-sample value of {@code metric}, or null when the metric is not a per-sample mean. NaN = no value. */
    static ToDoubleFunction<SampleRow> of(String metric) {
        MetricRegistry.Match m = MetricRegistry.match(metric);
        return m == null ? null : m.metric().perSampleOn(m.prefix());
    }

    /** Whether {@code metric} is a per-sample mean (compare re-estimates it from the samples). */
    static boolean is(String metric) {
        return !SampleCells.columnKey(metric).isEmpty();
    }

    /** Whether a row counts for a metric's (condition, family). */
    static boolean selects(SampleRow r, String condition, String family) {
        return r.condition().equals(condition) && r.inGroup(family);
    }
}
