package org.charlab.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of samples.jsonl: one completion of one prompt under one condition, with every score.
 * The schema is documented in docs/results-format.md; {@link Samples} reads and writes it.
 *
 * @param condition    condition name
 * @param promptId     prompt id (stable across arms and runs: pairs prompts for comparisons)
 * @param family       task family, or null when the prompt set does not say
 * @param sample       sample index within (condition, prompt), from 0
 * @param seed         the sample's sampling seed (from stage seed, condition, prompt id and index)
 * @param answer       ground truth, or null
 * @param cotPrefill   the condition's CoT prefill, or null; {@code cot} starts with it
 * @param cot          whole chain of thought (prefill included), or null when the turn had no think block
 * @param output       visible output ("" when the CoT never closed)
 * @param thinkClosed  whether {@code </think>} was generated
 * @param thinkCloses  how many {@code </think>} markers the turn has (more than 1 is malformed)
 * @param promptTokens prompt length in tokens (prefill included)
 * @param cotTokens    tokens of the CoT the model wrote (prefill excluded)
 * @param outputTokens tokens of the output
 * @param newTokens    tokens generated (the stop token included)
 * @param stopReason   "stop" or "length"
 * @param scores       score name -> value; null when a scorer could not score (see notes)
 * @param notes        score name -> why it has no value (judge failures); usually empty
 * @param ood          true when the prompt's family is evaluated as out of distribution, false when in
 *                     distribution, null when the eval names no out-of-distribution family
 * @param priorTurn    under a prefill attack, turn 1 (another model's) and the follow-up before the scored
 *                     turn; null otherwise. {@code cot} and {@code output} are always the scored turn's
 */
public record SampleRow(String condition, String promptId, String family, int sample, long seed, String answer,
        String cotPrefill, String cot, String output, boolean thinkClosed, int thinkCloses, int promptTokens,
        int cotTokens, int outputTokens, int newTokens, String stopReason, Map<String, Double> scores,
        Map<String, String> notes, Boolean ood, PriorTurn priorTurn) implements ScoredSample {

    /** A row without prior turns. */
    public SampleRow(String condition, String promptId, String family, int sample, long seed, String answer,
            String cotPrefill, String cot, String output, boolean thinkClosed, int thinkCloses, int promptTokens,
            int cotTokens, int outputTokens, int newTokens, String stopReason, Map<String, Double> scores,
            Map<String, String> notes, Boolean ood) {
        this(condition, promptId, family, sample, seed, answer, cotPrefill, cot, output, thinkClosed, thinkCloses,
                promptTokens, cotTokens, outputTokens, newTokens, stopReason, scores, notes, ood, null);
    }

    /** A row whose distribution is not known (yet): see {@link #withOod}. */
    public SampleRow(String condition, String promptId, String family, int sample, long seed, String answer,
            String cotPrefill, String cot, String output, boolean thinkClosed, int thinkCloses, int promptTokens,
            int cotTokens, int outputTokens, int newTokens, String stopReason, Map<String, Double> scores,
            Map<String, String> notes) {
        this(condition, promptId, family, sample, seed, answer, cotPrefill, cot, output, thinkClosed, thinkCloses,
                promptTokens, cotTokens, outputTokens, newTokens, stopReason, scores, notes, null);
    }

    public SampleRow {
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    }

    /** The CoT the model wrote: {@code cot} without the prefill ("" when there is no CoT). */
    public String writtenCot() {
        if (cot == null) {
            return "";
        }
        if (cotPrefill != null && cot.startsWith(cotPrefill)) {
            return cot.substring(cotPrefill.length());
        }
        return cot;
    }

    /**
     * Whether the turn has an output: false when the CoT never closed, true when it closed or the
     * turn has no think block. Output-side trait metrics count only rows with an output
     * ({@link OutputMetrics}).
     */
    @Override
    public boolean hasOutput() {
        return thinkClosed;
    }

    /** The family, or "unknown" when the prompt set does not name one. */
    public String familyOrUnknown() {
        return familyOrUnknown(family);
    }

    /** {@code family}, or "unknown" for null: how rows and prompts without a family are grouped. */
    public static String familyOrUnknown(String family) {
        return family == null ? "unknown" : family;
    }

    /** A score, or null when absent or not scored. */
    @Override
    public Double score(String name) {
        return scores.get(name);
    }

    /** This row with more scores (and notes) added; later values replace earlier ones. */
    public SampleRow withScores(Map<String, Double> more, Map<String, String> moreNotes) {
        Map<String, Double> s = new LinkedHashMap<>(scores);
        s.putAll(more);
        Map<String, String> n = new LinkedHashMap<>(notes);
        n.putAll(moreNotes);
        return new SampleRow(condition, promptId, family, sample, seed, answer, cotPrefill, cot, output, thinkClosed,
                thinkCloses, promptTokens, cotTokens, outputTokens, newTokens, stopReason, s, n, ood, priorTurn);
    }

    /** This row marked in ({@code false}) or out of ({@code true}) distribution, or unmarked (null). */
    public SampleRow withOod(Boolean out) {
        return new SampleRow(condition, promptId, family, sample, seed, answer, cotPrefill, cot, output, thinkClosed,
                thinkCloses, promptTokens, cotTokens, outputTokens, newTokens, stopReason, scores, notes, out, priorTurn);
    }

    /** This row with {@code prior} as its prior turns. */
    public SampleRow withPriorTurn(PriorTurn prior) {
        return new SampleRow(condition, promptId, family, sample, seed, answer, cotPrefill, cot, output, thinkClosed,
                thinkCloses, promptTokens, cotTokens, outputTokens, newTokens, stopReason, scores, notes, ood, prior);
    }

    /** This row under another condition name (a pooled view's rows, {@link MetricsCalculator}). */
    public SampleRow withCondition(String name) {
        return new SampleRow(name, promptId, family, sample, seed, answer, cotPrefill, cot, output, thinkClosed,
                thinkCloses, promptTokens, cotTokens, outputTokens, newTokens, stopReason, scores, notes, ood, priorTurn);
    }

    /**
     * Whether this row counts for a metric's family group: {@code all}, {@code in_distribution},
     * {@code out_of_distribution} (by {@link #ood}) or one family's name.
     */
    public boolean inGroup(String group) {
        return inGroup(group, family, ood);
    }

    /** {@link #inGroup(String)} of a row with this {@code family} and {@code ood}. */
    public static boolean inGroup(String group, String family, Boolean ood) {
        return switch (group) {
            case MetricEntry.ALL -> true;
            case MetricEntry.IN_DISTRIBUTION -> Boolean.FALSE.equals(ood);
            case MetricEntry.OUT_OF_DISTRIBUTION -> Boolean.TRUE.equals(ood);
            default -> group.equals(familyOrUnknown(family));
        };
    }
}
