package org.charlab.world.detect;

/**
 * A stretch of text a detector counted as evidence: characters [{@code start}, {@code end}) of the
 * text it scored (UTF-16 indices, as {@link String#substring(int, int)} takes them).
 */
public record Span(int start, int end) {

    public Span {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("span [" + start + ", " + end + ")");
        }
    }

    /** The spanned text of {@code text}. */
    public String of(String text) {
        return text.substring(start, end);
    }
}
