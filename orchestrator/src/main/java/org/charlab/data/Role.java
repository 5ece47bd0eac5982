package org.charlab.data;

/** Who speaks a message in a chat conversation (ChatML roles). */
public enum Role {
    SYSTEM, USER, ASSISTANT;

    /** The lower-case name used in ChatML and in JSONL files ({@code "system"}, ...). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role of(String label) {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
}
