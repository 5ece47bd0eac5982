package org.charlab.report;

import java.util.List;
import java.util.Locale;
import org.charlab.eval.OutputMetrics;

/**
 * How many samples of a group of runs had no output because their CoT never closed, read from
 * samples.jsonl (so runs written before the unclosed share was a metric of its own count too).
 * Shown beside every trait metric in {@code compare} and the report, and checked before an
 * expectation on an output-side metric is judged ({@link OutputMetrics}).
 *
 * @param samples    samples of the runs in the condition and family
 * @param withOutput those whose CoT closed (or that have no think block)
 */
record Unclosed(int samples, int withOutput) {

    /** The counts over every sample of {@code runs} in ({@code condition}, {@code family}). */
    static Unclosed of(List<RunResult> runs, String condition, String family) {
        int n = 0;
        int out = 0;
        for (RunResult r : runs) {
            int[] c = r.cells().outputs(condition, family);
            n += c[0];
            out += c[1];
        }
        return new Unclosed(n, out);
    }

    /** Share of samples whose CoT never closed; NaN without samples. */
    double share() {
        return samples == 0 ? Double.NaN : (samples - withOutput) / (double) samples;
    }

    /** Whether an output-side rate rests on a minority of the samples ({@link OutputMetrics#MINORITY}). */
    boolean minority() {
        return samples > 0 && share() > OutputMetrics.MINORITY;
    }

    /** "62% (31 of 50)". */
    String percent() {
        return String.format(Locale.ROOT, "%.0f%% (%d of %d)", 100 * share(), samples - withOutput, samples);
    }

    /**
     * Why an expectation on {@code metric} cannot be judged or needs a flag, from the samples of an
     * arm ({@code who}, e.g. "arm 'x'"): "" when the metric does not read the output or the arm's
     * outputs are a majority; {@link #notMeasured} tells whether the note means "not measured".
     */
    String note(String metric, String who, String condition, String family) {
        if (!OutputMetrics.overOutputs(metric) || samples == 0) {
            return "";
        }
        if (withOutput == 0) {
            return "no sample of " + who + " has an output in (" + condition + ", " + family + "): every CoT never "
                    + "closed </think>";
        }
        return minority() ? "rests on a minority of the samples: " + percent() + " of " + who
                + " never closed </think>" : "";
    }

    /** Whether {@link #note} is a reason not to judge {@code metric} at all. */
    boolean notMeasured(String metric) {
        return OutputMetrics.overOutputs(metric) && samples > 0 && withOutput == 0;
    }
}
