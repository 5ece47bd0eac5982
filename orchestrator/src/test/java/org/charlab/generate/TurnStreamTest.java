package org.charlab.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.model.AssistantText;
import org.charlab.model.ChatFormat;
import org.junit.jupiter.api.Test;

class TurnStreamTest {

    /** What a sink saw: each part's text (null: never begun) and every call in order. */
    static final class Seen implements TurnStream.Sink {
        StringBuilder cot;
        StringBuilder output;
        final List<String> calls = new ArrayList<>();

        @Override
        public void append(TurnStream.Part part, String text) {
            calls.add(part + ":" + text);
            if (part == TurnStream.Part.COT) {
                assertNull(output, "no CoT text after the output began");
                cot = cot == null ? new StringBuilder() : cot;
                cot.append(text);
            } else {
                output = output == null ? new StringBuilder() : output;
                output.append(text);
            }
        }
    }

    static Seen stream(List<String> pieces) {
        Seen seen = new Seen();
        TurnStream t = new TurnStream(seen);
        pieces.forEach(t::append);
        t.finish();
        return seen;
    }

    /** Random turns built from the pieces that matter (markers, newlines, their prefixes), cut at random points. */
    @Test
    void piecesOfEachPartConcatenateToWhatParseAssistantReturnsForTheWholeTurn() {
        String[] atoms = {"<think>", "</think>", "\n", "\n\n", "a", "b c", "<", "</", "</thi", "think>", ">", "é"};
        SplittableRandom r = new SplittableRandom(7);
        int checked = 0;
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder sb = new StringBuilder(r.nextInt(3) > 0 ? "<think>" : "");
            int n = r.nextInt(12);
            for (int i = 0; i < n; i++) {
                sb.append(atoms[r.nextInt(atoms.length)]);
            }
            String text = sb.toString();
            AssistantText whole = ChatFormat.parseAssistant(text);
            if (whole.thinkCloses() > 1) {
                continue; // streaming splits at the first </think>, parseAssistant at the last: documented
            }
            List<String> pieces = new ArrayList<>();
            for (int at = 0; at < text.length(); ) {
                int len = 1 + r.nextInt(Math.min(6, text.length() - at));
                pieces.add(text.substring(at, at + len));
                at += len;
            }
            Seen seen = stream(pieces);
            assertEquals(whole.cot(), seen.cot == null ? null : seen.cot.toString(), () -> "cot of " + show(text));
            assertEquals(whole.output(), seen.output == null ? "" : seen.output.toString(), () -> "output of " + show(text));
            assertEquals(whole.cot() == null || whole.thinkClosed() || text.isEmpty(), seen.output != null || text.isEmpty(),
                    () -> "output begun of " + show(text));
            checked++;
        }
        assertTrue(checked > 2000, "enough turns with at most one </think>: " + checked);
    }

    @Test
    void holdsBackOnlyWhatMayStillBecomeTemplate() {
        Seen seen = new Seen();
        TurnStream t = new TurnStream(seen);
        t.append("<think>\nfirst line\n");
        assertEquals(List.of("COT:", "COT:first line"), seen.calls, "the newline may precede </think>: held");
        t.append("second</");
        assertEquals("COT:\nsecond", seen.calls.get(2), "'</' may start </think>: held");
        t.append("think>\n");
        assertEquals("OUTPUT:", seen.calls.get(3), "the output begins; its template newlines are held");
        assertEquals(4, seen.calls.size());
        t.append("\nHello");
        t.finish();
        assertEquals("OUTPUT:Hello", seen.calls.get(4));
        assertEquals("first line\nsecond", seen.cot.toString());
    }

    @Test
    void aTurnWithoutThinkBlockIsOutputOnceItCannotBeOne() {
        Seen seen = new Seen();
        TurnStream t = new TurnStream(seen);
        t.append("<thi");
        assertTrue(seen.calls.isEmpty(), "may still become <think>");
        t.append("s is it");
        assertEquals(List.of("OUTPUT:", "OUTPUT:<this is it"), seen.calls);
        assertNull(seen.cot);
    }

    @Test
    void anUnclosedCotIsAllShownAtTheEndAndNoOutputBegins() {
        Seen seen = stream(List.of("<think>\nstill thinking\n", "</th"));
        assertEquals("still thinking\n</th", seen.cot.toString());
        assertNull(seen.output);
    }

    @Test
    void aSecondCloseIsOutputTextWhenStreamed() {
        Seen seen = stream(List.of("<think>\na</think>\n\nb</think>\n\nc"));
        assertEquals("a", seen.cot.toString());
        assertEquals("b</think>\n\nc", seen.output.toString());
    }

    private static String show(String s) {
        return "'" + s.replace("\n", "\\n") + "'";
    }
}
