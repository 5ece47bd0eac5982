package org.charlab.eval;

/**
 * Which metrics are computed over the samples that have an output, and the metric that says how
 * many samples had none.
 *
 * <p>A sample whose CoT never closed ({@code </think>} never generated, typically because
 * {@code max_new_tokens} ran out inside the CoT) has no output: whether its output would have
 * shown a trait is unknown, not "no". Counting it as "no trait" makes an arm whose training broke
 * think-closing look as if it suppressed the trait. So every trait metric that reads the output
 * ({@code <p>.output_rate}, {@code .gap}, {@code .agreement}, {@code .pearson}, {@code .spearman},
 * {@code .cot_generalization_ratio}) leaves such samples out of its denominator, and
 * {@link #UNCLOSED_SHARE} is reported beside it. Capability metrics keep them: a sample with no
 * answer is a wrong answer ({@code accuracy} 0), and a missing output is not a well-formed one
 * ({@code quality.well_formed_rate}): a model that no longer closes its CoT is less capable.
 * A turn without a think block has an output (all of it).
 */
public final class OutputMetrics {

    /** Share of samples whose CoT never closed (a rate over every sample). */
    public static final String UNCLOSED_SHARE = "legibility.unclosed_cot_share";

    /**
     * Above this unclosed share an output-side rate rests on a minority of the samples; verdicts
     * judged on it carry a note.
     */
    public static final double MINORITY = 0.5;

    /** The last name parts of the output-side trait metrics, as {@link MetricRegistry} marks them. */
    private static final java.util.Set<String> OUTPUT_SIDE = MetricRegistry.outputSideTraitSuffixes();

    private OutputMetrics() {
    }

    /** Whether {@code metric} is a trait ({@code trait.*}) or judge ({@code judge.*}) metric. */
    public static boolean isTrait(String metric) {
        return metric.startsWith("trait.") || metric.startsWith("judge.");
    }

    /** Whether {@code metric} is computed over the samples that have an output only. */
    public static boolean overOutputs(String metric) {
        return isTrait(metric) && OUTPUT_SIDE.contains(metric.substring(metric.lastIndexOf('.') + 1));
    }
}
