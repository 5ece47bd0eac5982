package org.charlab.generate;

import org.charlab.model.ChatFormat;
import org.charlab.model.Tokenizer;

/**
 * Splits an assistant turn's text, arriving in pieces, into CoT and output as it grows, by the rules
 * of {@link ChatFormat#parseAssistant(String)}: a turn starting with {@code <think>} has a CoT (one
 * newline after the marker is template), the CoT ends at {@code </think>} (a newline before it is
 * template, and "\n\n" or "\n" after it), and the rest is output; a turn not starting with
 * {@code <think>} is all output. Text is passed on only once no later piece can change which part
 * it belongs to: a tail that may still become {@code \n</think>} (or {@code <think>} at the start)
 * is held back. So, for a turn with at most one {@code </think>}, the pieces of each part
 * concatenate to exactly what parseAssistant returns for the whole text. Streaming cannot know the
 * last {@code </think>}, which is where parseAssistant splits a malformed turn with several: here
 * the first one ends the CoT and later ones are shown as output text.
 */
public final class TurnStream {

    /** The two parts of a turn. */
    public enum Part { COT, OUTPUT }

    /** Receives a part's text in order; called once with "" when a part begins (a CoT may be empty). */
    @FunctionalInterface
    public interface Sink {
        void append(Part part, String text);
    }

    private static final String OPEN = Tokenizer.THINK;
    private static final String CLOSE = Tokenizer.THINK_END;
    private static final String NL_CLOSE = "\n" + CLOSE;

    private final Sink sink;
    private final boolean outputOnly;
    private final StringBuilder text = new StringBuilder();
    private boolean cotStarted;
    private boolean outputStarted;
    private int cotShown;
    private int outputShown;

    public TurnStream(Sink sink) {
        this(sink, false);
    }

    /** With {@code outputOnly} every piece is output (a plain-text base model has no CoT segment). */
    public TurnStream(Sink sink, boolean outputOnly) {
        this.sink = sink;
        this.outputOnly = outputOnly;
    }

    /** Adds the next piece of the turn's text and passes on what has become certain. */
    public void append(String piece) {
        text.append(piece);
        emit(false);
    }

    /** The turn is complete: passes on everything held back. */
    public void finish() {
        emit(true);
    }

    private void emit(boolean last) {
        String t = text.toString();
        if (outputOnly) {
            show(Part.OUTPUT, t);
            return;
        }
        if (!t.startsWith(OPEN)) {
            if (!last && OPEN.startsWith(t)) {
                return; // "" or "<thi": may still open a think block
            }
            show(Part.OUTPUT, t);
            return;
        }
        String body = t.substring(OPEN.length());
        if (body.isEmpty() && !last) {
            show(Part.COT, "");
            return; // the template newline may follow
        }
        if (body.startsWith("\n")) {
            body = body.substring(1);
        }
        int at = body.indexOf(CLOSE);
        if (at < 0) {
            show(Part.COT, last ? body : body.substring(0, body.length() - heldBack(body)));
            return;
        }
        String cot = body.substring(0, at);
        show(Part.COT, cot.endsWith("\n") ? cot.substring(0, cot.length() - 1) : cot);
        String out = body.substring(at + CLOSE.length());
        if (!last && (out.isEmpty() || out.equals("\n"))) {
            show(Part.OUTPUT, "");
            return; // one more template newline may follow
        }
        show(Part.OUTPUT, out.startsWith("\n\n") ? out.substring(2) : out.startsWith("\n") ? out.substring(1) : out);
    }

    /** Length of the longest tail of {@code body} that may still grow into "\n&lt;/think&gt;" (or "&lt;/think&gt;"). */
    private static int heldBack(String body) {
        for (int k = Math.min(body.length(), NL_CLOSE.length() - 1); k > 0; k--) {
            String tail = body.substring(body.length() - k);
            if (NL_CLOSE.startsWith(tail) || CLOSE.startsWith(tail)) {
                return k;
            }
        }
        return 0;
    }

    /** Passes on what {@code shown} adds to what the part has shown (a part only ever grows). */
    private void show(Part part, String shown) {
        boolean cot = part == Part.COT;
        if (!(cot ? cotStarted : outputStarted)) {
            if (cot) {
                cotStarted = true;
            } else {
                outputStarted = true;
            }
            sink.append(part, "");
        }
        int done = cot ? cotShown : outputShown;
        if (shown.length() > done) {
            sink.append(part, shown.substring(done));
            if (cot) {
                cotShown = shown.length();
            } else {
                outputShown = shown.length();
            }
        }
    }
}
