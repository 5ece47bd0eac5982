package org.charlab.data;

import org.charlab.config.Doc;

/** How an assistant's chain of thought is written to JSONL; both forms are always readable. */
public enum ThinkFormat {
    @Doc("A separate \"reasoning\" field next to \"content\" (the default; byte-exact round trip).")
    FIELD,
    @Doc("A \"<think>\\n...\\n</think>\\n\\n\" block at the start of \"content\", as chat templates of "
            + "reasoning models render it.")
    BLOCK
}
