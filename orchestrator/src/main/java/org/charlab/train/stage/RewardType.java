package org.charlab.train.stage;

import org.charlab.config.Doc;

/** The reward functions of the grpo stage ({@link GrpoRewards} computes them). */
public enum RewardType {
    @Doc("1 when the output's answer matches the prompt's ground truth by the eval's accuracy rule "
            + "(world/Answers: a numeric answer is the LAST integer of the output; a word answer appears as a whole "
            + "word, English or Spanish, ignoring case and accents), else 0; an empty output (CoT never closed) is "
            + "0. Prompts without an answer (advice) are not scored by it.")
    CORRECTNESS,
    @Doc("1 for a well-formed think block: the CoT closed exactly once (the eval's unclosed and doubled </think>) "
            + "and a non-empty output; with words: true the output must also be well-formed by the eval's "
            + "quality.well_formed rule (>= 90% of its words in charworld's lexicon). Else 0.")
    FORMAT,
    @Doc("max(0, 1 - |n - target| / target) for the completion's length n in tokens (part: completion, cot or "
            + "output): 1 at the target, 0 at none or twice the target.")
    LENGTH,
    @Doc("The charworld trait detector's score in [0, 1] (world/detect) of the output or the CoT (part); an empty "
            + "text scores 0. Trains a persona by RL.")
    TRAIT,
    @Doc("The LLM judge's 0-100 score (eval's judge, the stage's judge settings) of the output or the CoT for the "
            + "judge trait named by trait, divided by 100; an empty text scores 0, a request without a score is not "
            + "scored.")
    JUDGE
}
