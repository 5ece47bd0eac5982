package org.charlab.report;

import java.util.function.ToDoubleFunction;
import org.charlab.eval.OutputMetrics;
import org.charlab.eval.SampleRow;

/**
 * The metrics of metrics.json that are means of one number per sample, with that number: these
 * can be re-estimated across seeds and prompts ({@link org.charlab.stats.CrossedDesign}) and paired across arms. The others
 * (correlations, ratios, pooled legibility rates) are aggregated from their per-run estimates.
 * Output-side trait metrics give NaN (no value) for a sample whose CoT never closed, also when an
 * older samples.jsonl scored its missing output as 0 ({@link OutputMetrics}).
 */
final class PerSample {

    private PerSample() {
    }

    /** The per-sample value of {@code metric}, or null when the metric is not a per-sample mean. NaN = no value. */
    static ToDoubleFunction<SampleRow> of(String metric) {
        ToDoubleFunction<SampleRow> f = anySample(metric);
        if (f == null || !OutputMetrics.overOutputs(metric)) {
            return f;
        }
        return r -> r.hasOutput() ? f.applyAsDouble(r) : Double.NaN;
    }

    private static ToDoubleFunction<SampleRow> anySample(String metric) {
        if (metric.startsWith("capability.accuracy.")) {
            return r -> value(r.score("accuracy"));
        }
        switch (metric) {
            case "quality.well_formed_rate":
                return r -> value(r.score("quality.well_formed"));
            case OutputMetrics.UNCLOSED_SHARE:
                return r -> r.hasOutput() ? 0 : 1;
            case "legibility.cot_tokens":
                return r -> r.cotTokens();
            default:
                break;
        }
        int dot = metric.lastIndexOf('.');
        if (dot < 0 || !(metric.startsWith("trait.") || metric.startsWith("judge."))) {
            return null;
        }
        String p = metric.substring(0, dot);
        return switch (metric.substring(dot + 1)) {
            case "output_rate" -> r -> value(r.score(p + ".output_present"));
            case "cot_rate" -> r -> value(r.score(p + ".cot_present"));
            case "gap" -> r -> value(r.score(p + ".output_present")) - value(r.score(p + ".cot_present"));
            case "agreement" -> r -> {
                double o = value(r.score(p + ".output_present"));
                double c = value(r.score(p + ".cot_present"));
                return Double.isNaN(o) || Double.isNaN(c) ? Double.NaN : o == c ? 1 : 0;
            };
            default -> null;
        };
    }

    private static double value(Double d) {
        return d == null ? Double.NaN : d;
    }

    /** Whether a row counts for a metric's (condition, family). */
    static boolean selects(SampleRow r, String condition, String family) {
        return r.condition().equals(condition) && r.inGroup(family);
    }
}
