package org.charlab.cli;

import java.io.PrintWriter;
import org.charlab.generate.TurnStream;

/**
 * Prints a streamed assistant turn. Each part begins with a header line, {@code [cot]} or
 * {@code [output]}, followed by its text exactly as generated and one newline, so the plain form is
 * <pre>
 * [cot]\n{cot}\n[output]\n{output}\n
 * </pre>
 * ({@code [cot]} only when the turn has a think block; {@code [output]} only once the CoT closed).
 * With {@code ansi} (a terminal) the headers are bold and the CoT dim; the text is the same.
 */
final class TurnPrinter implements TurnStream.Sink {

    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private final PrintWriter out;
    private final boolean ansi;
    private boolean open; // a part's text has begun and needs its closing newline

    TurnPrinter(PrintWriter out, boolean ansi) {
        this.out = out;
        this.ansi = ansi;
    }

    @Override
    public void append(TurnStream.Part part, String text) {
        if (text.isEmpty()) {
            closePart();
            String header = part == TurnStream.Part.COT ? "[cot]" : "[output]";
            out.print(ansi ? BOLD + header + RESET + "\n" : header + "\n");
            open = true;
        } else if (ansi && part == TurnStream.Part.COT) {
            out.print(DIM + text + RESET);
        } else {
            out.print(text);
        }
        out.flush();
    }

    /** Ends the last part's text with its newline. */
    void finish() {
        closePart();
        out.flush();
    }

    private void closePart() {
        if (open) {
            out.print("\n");
            open = false;
        }
    }
}
