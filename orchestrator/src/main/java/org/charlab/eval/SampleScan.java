package org.charlab.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.charlab.BadInput;

/**
 * Streams samples.jsonl with Jackson's streaming parser, one reused {@link Row} per line and no
 * {@link SampleRow}: what compare and report need of a row (condition, prompt, family, distribution,
 * whether the CoT closed, CoT tokens and the scores), while the texts (CoT, output, answer) are
 * skipped undecoded. Fields read as {@link Samples#read} reads them (same defaults, same numbers),
 * so a value computed from a {@link Row} equals the one computed from the {@link SampleRow} of its
 * line. A malformed line is a {@link BadInput} naming file:line.
 */
public final class SampleScan {

    private SampleScan() {
    }

    /** Receives each row; the row is reused for the next line, so keep nothing of it but Strings. */
    @FunctionalInterface
    public interface Visitor {
        void row(Row row);
    }

    /**
     * One line of samples.jsonl, valid during {@link Visitor#row}. Scores are held in slots
     * numbered per file (a score name keeps its slot from line to line), so reading a line
     * allocates nothing for them.
     */
    public static final class Row implements ScoredSample {
        String condition;
        String promptId;
        String family;
        Boolean ood;
        boolean thinkClosed;
        int cotTokens;
        boolean hasSample;
        boolean hasSeed;
        private final Map<String, Integer> slots = new HashMap<>();
        private String[] names = new String[16];
        private double[] values = new double[16];
        private boolean[] nulls = new boolean[16];
        /** A number's text, parsed only when the score is read (most scores of a line never are). */
        private char[][] texts = new char[16][];
        private int[] textLengths = new int[16];
        private boolean[] parsed = new boolean[16];
        private int[] stamp = new int[16];
        /** Rows started so far: marks the score slots set on this row. */
        private int rowNo;
        /** The texts of earlier rows, handed out again when a row repeats them ({@link SampleScan#text}). */
        private String lastCondition;
        private String lastPromptId;
        private String lastFamily;

        public String condition() {
            return condition;
        }

        public String promptId() {
            return promptId;
        }

        /** The family, or null when the prompt set does not say. */
        public String family() {
            return family;
        }

        /** As {@link SampleRow#ood}. */
        public Boolean ood() {
            return ood;
        }

        @Override
        public boolean hasOutput() {
            return thinkClosed;
        }

        @Override
        public int cotTokens() {
            return cotTokens;
        }

        @Override
        public Double score(String name) {
            Integer s = slots.get(name);
            if (s == null || stamp[s] != rowNo || nulls[s]) {
                return null;
            }
            if (!parsed[s]) {
                values[s] = parse(texts[s], textLengths[s]);
                parsed[s] = true;
            }
            return values[s];
        }

        /** Number of distinct score names on the lines read so far (this one included). */
        public int namesSeen() {
            return slots.size();
        }

        /** The i-th distinct score name, in order of first appearance. */
        public String nameSeen(int i) {
            return names[i];
        }

        private void start() {
            lastCondition = condition == null ? lastCondition : condition;
            lastPromptId = promptId == null ? lastPromptId : promptId;
            lastFamily = family == null ? lastFamily : family;
            rowNo++;
            condition = null;
            promptId = null;
            family = null;
            ood = null;
            thinkClosed = true;
            cotTokens = 0;
            hasSample = false;
            hasSeed = false;
        }

        /** The value Jackson's getDoubleValue gives for this number text (Double.parseDouble), "0.0"/"1.0" fast. */
        private static double parse(char[] t, int n) {
            if (n == 3 && t[1] == '.' && t[2] == '0' && (t[0] == '0' || t[0] == '1')) {
                return t[0] - '0';
            }
            if (n == 1 && (t[0] == '0' || t[0] == '1')) {
                return t[0] - '0';
            }
            return Double.parseDouble(new String(t, 0, n));
        }

        private void putNumber(String name, JsonParser p) throws IOException {
            int s = slot(name);
            nulls[s] = false;
            parsed[s] = false;
            int n = p.getTextLength();
            if (texts[s] == null || texts[s].length < n) {
                texts[s] = new char[Math.max(32, n)];
            }
            System.arraycopy(p.getTextCharacters(), p.getTextOffset(), texts[s], 0, n);
            textLengths[s] = n;
        }

        private void put(String name, boolean isNull, double value) {
            int s = slot(name);
            nulls[s] = isNull;
            values[s] = value;
            parsed[s] = true;
        }

        private int slot(String name) {
            Integer s = slots.get(name);
            if (s == null) {
                s = slots.size();
                slots.put(name, s);
                if (s == names.length) {
                    int n = 2 * s;
                    names = Arrays.copyOf(names, n);
                    values = Arrays.copyOf(values, n);
                    nulls = Arrays.copyOf(nulls, n);
                    stamp = Arrays.copyOf(stamp, n);
                    texts = Arrays.copyOf(texts, n);
                    textLengths = Arrays.copyOf(textLengths, n);
                    parsed = Arrays.copyOf(parsed, n);
                }
                names[s] = name;
                stamp[s] = -1;
            }
            stamp[s] = rowNo;
            return s;
        }
    }

    /** Calls {@code visitor} for every row of {@code file}, in order. */
    public static void scan(Path file, Visitor visitor) {
        Row row = new Row();
        try (InputStream in = Files.newInputStream(file); JsonParser p = Samples.JSON.getFactory().createParser(in)) {
            JsonToken t;
            int line = 0;
            while (true) {
                try {
                    line = 0;
                    t = p.nextToken();
                    if (t == null) {
                        break;
                    }
                    line = p.currentTokenLocation().getLineNr();
                    if (t != JsonToken.START_OBJECT) {
                        throw new BadInput(file + ":" + line + ": not a samples.jsonl row: not a JSON object");
                    }
                    row.start();
                    readObject(p, row);
                    String missing = row.condition == null ? "condition" : row.promptId == null ? "prompt_id"
                            : !row.hasSample ? "sample" : !row.hasSeed ? "seed" : null;
                    if (missing != null) {
                        throw new BadInput(file + ":" + line + ": not a samples.jsonl row: missing '" + missing + "'");
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    // the line the row starts on (an unclosed row fails only at the end of the file)
                    int at = line > 0 ? line : e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                    throw new BadInput(file + ":" + at + ": not a samples.jsonl row: "
                            + e.getOriginalMessage().split("\n")[0]);
                }
                visitor.row(row);
            }
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read: " + e.getMessage());
        }
    }

    private static void readObject(JsonParser p, Row row) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            boolean isNull = v == JsonToken.VALUE_NULL;
            switch (name) {
                case "condition" -> row.condition = isNull ? null : text(p, row.lastCondition);
                case "prompt_id" -> row.promptId = isNull ? null : text(p, row.lastPromptId);
                case "family" -> row.family = isNull ? null : text(p, row.lastFamily);
                case "sample" -> row.hasSample = !isNull;
                case "seed" -> row.hasSeed = !isNull;
                case "think_closed" -> row.thinkClosed = bool(p, true);
                case "cot_tokens" -> row.cotTokens = isNull ? 0 : p.getValueAsInt(0);
                case "ood" -> row.ood = isNull ? null : bool(p, false);
                case "scores" -> {
                    if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String s = p.currentName();
                            JsonToken sv = p.nextToken();
                            if (sv == JsonToken.VALUE_NUMBER_FLOAT || sv == JsonToken.VALUE_NUMBER_INT) {
                                row.putNumber(s, p);
                            } else {
                                row.put(s, sv == JsonToken.VALUE_NULL, number(p));
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    /**
     * As JsonNode.asText() of a scalar ("" for a container, as the tree reader gives), returned as
     * {@code previous} (the same String object) when the text equals it: consecutive rows mostly
     * share their condition, prompt and family, and a reused String carries its hash, so whoever
     * keys maps by it neither allocates nor rehashes per row.
     */
    private static String text(JsonParser p, String previous) throws IOException {
        JsonToken t = p.currentToken();
        if (t.isStructStart()) {
            p.skipChildren();
            return "";
        }
        if (t == JsonToken.VALUE_STRING && previous != null && p.getTextLength() == previous.length()) {
            char[] c = p.getTextCharacters();
            int off = p.getTextOffset();
            int n = previous.length();
            int i = 0;
            while (i < n && c[off + i] == previous.charAt(i)) {
                i++;
            }
            if (i == n) {
                return previous;
            }
        }
        return p.getValueAsString();
    }

    /** As JsonNode.asDouble(): numbers, true 1, false 0, numeric text parsed, anything else 0. */
    private static double number(JsonParser p) throws IOException {
        if (p.currentToken().isStructStart()) {
            p.skipChildren();
            return 0;
        }
        return p.getValueAsDouble(0);
    }

    /** As JsonNode.asBoolean(dflt): booleans, numbers != 0, text "true"/"false", else the default. */
    private static boolean bool(JsonParser p, boolean dflt) throws IOException {
        JsonToken t = p.currentToken();
        if (t.isStructStart()) {
            p.skipChildren();
            return dflt;
        }
        return switch (t) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NUMBER_INT -> p.getLongValue() != 0;
            case VALUE_STRING -> {
                String s = p.getText().trim();
                yield "true".equals(s) ? true : "false".equals(s) ? false : dflt;
            }
            default -> dflt;
        };
    }
}
