package org.charlab.model;

/** What a token of a formatted conversation is part of; trainers mask losses by it. */
public enum Segment {
    /** System prompt text. */
    SYSTEM,
    /** User message text. */
    USER,
    /** Chain-of-thought text inside {@code <think>...</think>}. */
    COT,
    /** The assistant's visible output. */
    OUTPUT,
    /** Chat markers and template text: {@code <|im_start|>}, role headers, think markers, newlines, {@code <|im_end|>}. */
    SPECIAL
}
