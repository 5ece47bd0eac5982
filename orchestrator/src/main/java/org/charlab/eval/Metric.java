package org.charlab.eval;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One metric of metrics.json (inspect_ai's metric): its name, what it measures, the interval it
 * gets and how it reduces the scored samples of one group. {@link MetricRegistry} lists them all;
 * {@link MetricsCalculator} computes them in that order and docs/results-format.md's table of
 * metric names is generated from them.
 *
 * @param name        the name, with {@code <p>} for a trait prefix ({@code trait.<t>} or
 *                    {@code judge.<name>}) and {@code <family>} for a family: {@code <p>.output_rate}
 * @param definition  what it measures (markdown, one line)
 * @param interval    the interval it gets and its resampling scheme (markdown, one line)
 * @param scope       which slices of the rows it is computed on
 * @param overOutputs whether it counts only the samples that have an output ({@link OutputMetrics})
 * @param reduction   the computation
 * @param perSample   for a metric that is a mean of one number per sample, that number (null for the
 *                    others: correlations, ratios of sums); it lets the report re-estimate the metric
 *                    across seeds and prompts and pair it across arms ({@link #perSampleOn})
 */
public record Metric(String name, String definition, String interval, Scope scope, boolean overOutputs,
        Reduction reduction, SampleValue perSample) {

    /** A metric that is not a mean of one number per sample. */
    public Metric(String name, String definition, String interval, Scope scope, boolean overOutputs,
            Reduction reduction) {
        this(name, definition, interval, scope, overOutputs, reduction, null);
    }

    /** Which slices of one condition's rows a metric is computed on. */
    public enum Scope {
        /** Every trait prefix in every family group ("all", in/out of distribution, each family). */
        TRAIT,
        /** Every family group. */
        GROUP,
        /** Each family alone, after the groups. */
        FAMILY
    }

    /**
     * The rows one metric is computed on: those of {@code condition} in {@code group} (for
     * {@link Scope#FAMILY}: every row of the condition, {@code group} naming the family), and the
     * trait prefix (null outside {@link Scope#TRAIT}).
     */
    public record Slice(String prefix, String condition, String group, List<SampleRow> rows) {
    }

    /** Computes a metric on a slice; null when the slice has nothing it applies to (the entry is left out). */
    @FunctionalInterface
    public interface Reduction {
        MetricEntry reduce(Reducers reducers, String name, Slice slice);
    }

    /** The number one sample contributes to a per-sample-mean metric. */
    @FunctionalInterface
    public interface SampleValue {
        /**
         * The value of a sample for trait prefix {@code prefix} (null outside {@link Scope#TRAIT}); NaN =
         * none. Score names are built here, once per prefix, not once per sample.
         */
        ToDoubleFunction<ScoredSample> on(String prefix);

        /** A score as a number: NaN when absent or not scored. */
        static double orNaN(Double score) {
            return score == null ? Double.NaN : score;
        }
    }

    /**
     * Each sample's value for this metric on trait {@code prefix} (null outside {@link Scope#TRAIT}),
     * or null when it is not a per-sample mean. NaN = no value; a metric {@link #overOutputs} gives NaN
     * for a sample without an output, also when an older samples.jsonl scored that missing output as 0.
     */
    public <R extends ScoredSample> ToDoubleFunction<R> perSampleOn(String prefix) {
        if (perSample == null) {
            return null;
        }
        ToDoubleFunction<ScoredSample> f = perSample.on(prefix);
        return overOutputs ? r -> r.hasOutput() ? f.applyAsDouble(r) : Double.NaN : f::applyAsDouble;
    }

    /** The entry name on {@code slice}: {@code <p>} and {@code <family>} filled in. */
    public String nameOn(Slice slice) {
        String n = name;
        if (slice.prefix() != null) {
            n = n.replace("<p>", slice.prefix());
        }
        return n.replace("<family>", slice.group());
    }

    /** This metric's entry on {@code slice}, or null when it has none there. */
    public MetricEntry compute(Reducers reducers, Slice slice) {
        return reduction.reduce(reducers, nameOn(slice), slice);
    }

    /** The name's last dot-separated part: "output_rate" for {@code <p>.output_rate}. */
    public String suffix() {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
