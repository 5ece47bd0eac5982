package org.charlab.eval;

/**
 * The turns a prefill attack puts before the scored one (samples.jsonl's {@code prior_turn}): turn 1,
 * written by another model, and the user's follow-up. Shown in transcripts; never scored.
 *
 * @param model    the stage whose model wrote turn 1 (the condition's {@code prefill_model})
 * @param cot      turn 1's chain of thought, or null when it had no think block
 * @param output   turn 1's visible output ("" when its CoT never closed)
 * @param followUp the user turn after it, as the evaluated model saw it (a suffix included)
 */
public record PriorTurn(String model, String cot, String output, String followUp) {
}
