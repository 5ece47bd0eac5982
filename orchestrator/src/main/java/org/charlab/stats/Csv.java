package org.charlab.stats;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader: fields separated by a delimiter, optionally in double quotes, with
 * "" for a quote inside quotes and line breaks allowed inside quotes. Written here because
 * Jackson's CSV module is not a dependency and one column is all charlab stats needs.
 */
final class Csv {

    private final BufferedReader in;
    private final char delimiter;
    private long line; // lines consumed so far
    private long recordLine; // line on which the last record started

    Csv(BufferedReader in, char delimiter) {
        this.in = in;
        this.delimiter = delimiter;
    }

    /** Line (1-based) on which the record last returned by {@link #next} started. */
    long recordLine() {
        return recordLine;
    }

    /**
     * The next record's fields, or null at the end of input. Blank lines are skipped. An
     * unterminated quote is reported through IllegalStateException with the starting line.
     */
    List<String> next() throws IOException {
        String text;
        do {
            text = in.readLine();
            if (text == null) {
                return null;
            }
            line++;
        } while (text.isBlank());
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = 0;
        while (true) {
            if (i == text.length()) {
                if (quoted) {
                    // A line break inside quotes belongs to the field.
                    String more = in.readLine();
                    if (more == null) {
                        throw new IllegalStateException("unterminated quoted field starting on line " + recordLine);
                    }
                    line++;
                    field.append('\n');
                    text = more;
                    i = 0;
                    continue;
                }
                fields.add(wasQuoted ? field.toString() : field.toString().strip());
                return fields;
            }
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == delimiter) {
                fields.add(wasQuoted ? field.toString() : field.toString().strip());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && field.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
    }
}
