package org.charlab.eval;

/**
 * What a per-sample metric value reads of one sample ({@link Metric.SampleValue}): its scores, its
 * CoT length and whether it has an output. {@link SampleRow} is one; {@link SampleScan.Row}, the
 * reused view of a samples.jsonl line that compare and report stream through, is another.
 */
public interface ScoredSample {

    /** A score, or null when absent or not scored. */
    Double score(String name);

    /** Tokens of the CoT the model wrote (prefill excluded). */
    int cotTokens();

    /** Whether the turn has an output: false when the CoT never closed. */
    boolean hasOutput();
}
