package org.charlab.world;

/**
 * One task item before styling: the user's prompt (English), the chain of thought and the
 * output as bilingual texts, and the ground-truth answer (null where none is scored).
 * {@code key} names the item; train and test never share a key.
 */
public record Task(FamilyName family, Split split, String key, String user, Bilingual cot, Bilingual output,
        String answer) {
}
