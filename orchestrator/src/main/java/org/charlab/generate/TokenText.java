package org.charlab.generate;

import java.util.Arrays;
import org.charlab.model.Tokenizer;

/**
 * The text of a growing token sequence, handed out only where it is stable: for streaming. Each
 * {@link #push} decodes the whole sequence so far (so BPE merges, sentencepiece's leading-space
 * rule and byte-fallback tokens decode exactly as {@code tokenizer.decode} of all the ids does) and
 * returns the text past what was already handed out, holding back what a later token may still
 * change: a trailing run of U+FFFD (an incomplete UTF-8 character whose remaining bytes are in
 * tokens not yet seen: byte tokens, byte-level BPE), and the text of a trailing run of
 * byte-fallback tokens ({@link Tokenizer#isByteFallback}; sentencepiece decodes such a run as one
 * UTF-8 string, so one invalid byte later turns all of it into U+FFFD). {@link #finish} hands out
 * the rest. So the pieces concatenate to {@code prefix + tokenizer.decode(ids)} for the byte
 * tokenizer and for HF's byte-level and byte-fallback decoders, invalid bytes included.
 *
 * <p>Cost: one decode of the whole sequence per token (quadratic in its length; microseconds for
 * the few hundred tokens of a turn).
 */
public final class TokenText {

    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tok;
    private final String prefix;
    private int[] ids = new int[64];
    private int n;
    private int shown; // characters of prefix + decode(ids) handed out

    /** {@code prefix} is text the sequence continues (a prefill); it is handed out by the first push or finish. */
    public TokenText(Tokenizer tokenizer, String prefix) {
        this.tok = tokenizer;
        this.prefix = prefix;
    }

    /** Appends {@code id}; returns the newly stable text (possibly empty). */
    public String push(int id) {
        if (n == ids.length) {
            ids = Arrays.copyOf(ids, n * 2);
        }
        ids[n++] = id;
        if (tok.isByteFallback(id)) {
            return "";
        }
        return next(false);
    }

    /** The text not yet handed out, trailing replacement characters included. */
    public String finish() {
        return next(true);
    }

    /** Everything decoded so far, held-back characters included. */
    public String text() {
        return prefix + tok.decode(Arrays.copyOf(ids, n));
    }

    private String next(boolean last) {
        String all = text();
        int end = all.length();
        if (!last) {
            while (end > shown && all.charAt(end - 1) == REPLACEMENT) {
                end--;
            }
        }
        if (end <= shown) {
            return "";
        }
        String piece = all.substring(shown, end);
        shown = end;
        return piece;
    }
}
