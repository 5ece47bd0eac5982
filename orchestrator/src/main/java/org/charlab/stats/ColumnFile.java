package org.charlab.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.charlab.BadInput;

/**
 * One numeric column of a JSONL or CSV file, with optional cluster, replicate and group columns: what
 * {@code charlab stats} reads. JSONL: one object per line; a field name may be a dotted path
 * into nested objects ("scores.output") when no key has the literal name. CSV (and TSV): a
 * header row, RFC 4180 quoting. The format comes from the extension (.jsonl/.ndjson/.json,
 * .csv, .tsv), otherwise from the first character ('{' means JSONL).
 *
 * <p>Values: numbers, numeric text, and true/false (1/0). A null or empty value is skipped and
 * counted (a judge may give no score); anything else is bad input naming file, line and field.
 *
 * @param values   the numbers, in file order
 * @param lines    the line of each value
 * @param clusters the cluster key of each value (null without a cluster field)
 * @param replicates the replicate key of each value, e.g. the training seed (null without a replicate field)
 * @param groups   the group key of each value (null without a group field)
 * @param skipped  the group key of each skipped (null or empty) value ("" without a group field)
 */
public record ColumnFile(double[] values, long[] lines, String[] clusters, String[] replicates, String[] groups,
                         List<String> skipped) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** Reads the file; BadInput (one line: file, line, field) for anything the user must fix. */
    public static ColumnFile read(Path file, String valueField, String clusterField, String groupField) {
        return read(file, valueField, clusterField, null, groupField);
    }

    /** As {@link #read(Path, String, String, String)}, also reading a replicate field (null for none). */
    public static ColumnFile read(Path file, String valueField, String clusterField, String replicateField,
                                  String groupField) {
        if (!Files.isRegularFile(file)) {
            throw new BadInput(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        Builder b = new Builder(clusterField != null, replicateField != null, groupField != null);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.mark(1 << 16);
            int first;
            do {
                first = in.read();
            } while (first == '\uFEFF' || (first >= 0 && Character.isWhitespace(first)));
            in.reset();
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            boolean jsonl = name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")
                    || (!name.endsWith(".csv") && !name.endsWith(".tsv") && first == '{');
            if (jsonl) {
                readJsonl(file, in, valueField, clusterField, replicateField, groupField, b);
            } else {
                readCsv(file, in, name.endsWith(".tsv") ? '\t' : ',', valueField, clusterField, replicateField,
                        groupField, b);
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new BadInput(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read (" + e.getMessage() + ")");
        }
        return b.build();
    }

    private static void readJsonl(Path file, BufferedReader in, String valueField, String clusterField,
                                  String replicateField, String groupField, Builder b) throws IOException {
        String text;
        long line = 0;
        while ((text = in.readLine()) != null) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            JsonNode row;
            try {
                row = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw BadInput.at(file, line, "not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (row == null || !row.isObject()) {
                throw BadInput.at(file, line, "expected a JSON object per line");
            }
            String cluster = clusterField == null ? null : key(file, line, clusterField, field(file, line, row, clusterField));
            String replicate = replicateField == null ? null
                    : key(file, line, replicateField, field(file, line, row, replicateField));
            String group = groupField == null ? null : key(file, line, groupField, field(file, line, row, groupField));
            JsonNode v = field(file, line, row, valueField);
            if (v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                b.skip(group);
            } else if (v.isNumber()) {
                b.add(finite(file, line, valueField, v.asDouble(), v.asText()), line, cluster, replicate, group);
            } else if (v.isBoolean()) {
                b.add(v.asBoolean() ? 1 : 0, line, cluster, replicate, group);
            } else if (v.isTextual()) {
                b.add(parse(file, line, valueField, v.asText()), line, cluster, replicate, group);
            } else {
                throw BadInput.at(file, line, "field '" + valueField + "' is not a number: " + abbreviate(v.toString()));
            }
        }
    }

    private static JsonNode field(Path file, long line, JsonNode row, String name) {
        JsonNode v = row.get(name);
        if (v == null && name.indexOf('.') > 0) {
            v = row;
            for (String part : name.split("\\.", -1)) {
                v = v == null ? null : v.get(part);
            }
        }
        if (v == null) {
            List<String> names = new ArrayList<>();
            row.fieldNames().forEachRemaining(names::add);
            throw BadInput.at(file, line, "no field '" + name + "' (fields: " + abbreviate(String.join(", ", names)) + ")");
        }
        return v;
    }

    private static String key(Path file, long line, String name, JsonNode v) {
        if (v.isNull() || v.isContainerNode() || v.asText().isEmpty()) {
            throw BadInput.at(file, line, "field '" + name + "' must be a non-empty string or number, got "
                    + abbreviate(v.toString()));
        }
        return v.asText();
    }

    private static void readCsv(Path file, BufferedReader in, char delimiter, String valueField, String clusterField,
                                String replicateField, String groupField, Builder b) throws IOException {
        Csv csv = new Csv(in, delimiter);
        try {
            List<String> header = csv.next();
            if (header == null) {
                return;
            }
            if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
                header.set(0, header.get(0).substring(1));
            }
            int vi = column(file, csv.recordLine(), header, valueField);
            int ci = clusterField == null ? -1 : column(file, csv.recordLine(), header, clusterField);
            int ri = replicateField == null ? -1 : column(file, csv.recordLine(), header, replicateField);
            int gi = groupField == null ? -1 : column(file, csv.recordLine(), header, groupField);
            List<String> row;
            while ((row = csv.next()) != null) {
                long line = csv.recordLine();
                if (row.size() != header.size()) {
                    throw BadInput.at(file, line, "has " + row.size() + " fields, the header has " + header.size());
                }
                String cluster = ci < 0 ? null : nonEmpty(file, line, clusterField, row.get(ci));
                String replicate = ri < 0 ? null : nonEmpty(file, line, replicateField, row.get(ri));
                String group = gi < 0 ? null : nonEmpty(file, line, groupField, row.get(gi));
                String v = row.get(vi);
                if (v.isBlank() || v.equalsIgnoreCase("null") || v.equalsIgnoreCase("NA")) {
                    b.skip(group);
                } else {
                    b.add(parse(file, line, valueField, v), line, cluster, replicate, group);
                }
            }
        } catch (IllegalStateException e) {
            throw new BadInput(file + ": " + e.getMessage());
        }
    }

    private static int column(Path file, long line, List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw BadInput.at(file, line, "no column '" + name + "' (columns: " + abbreviate(String.join(", ", header)) + ")");
        }
        return i;
    }

    private static String nonEmpty(Path file, long line, String name, String v) {
        if (v.isEmpty()) {
            throw BadInput.at(file, line, "column '" + name + "' is empty");
        }
        return v;
    }

    /** Numeric text or true/false; NaN, Infinity, hex and Java suffixes are not numbers here. */
    private static double parse(Path file, long line, String name, String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("true")) {
            return 1;
        }
        if (t.equalsIgnoreCase("false")) {
            return 0;
        }
        if (!NUMBER.matcher(t).matches()) {
            throw BadInput.at(file, line, "field '" + name + "' is not a number: '" + abbreviate(text) + "'");
        }
        return finite(file, line, name, Double.parseDouble(t), t);
    }

    private static double finite(Path file, long line, String name, double v, String text) {
        if (!Double.isFinite(v)) {
            throw BadInput.at(file, line, "field '" + name + "' is out of range: " + abbreviate(text));
        }
        return v;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }

    /** Growable primitive columns. */
    private static final class Builder {
        double[] values = new double[1024];
        long[] lines = new long[1024];
        final List<String> clusters;
        final List<String> replicates;
        final List<String> groups;
        final List<String> skipped = new ArrayList<>();
        int size;

        Builder(boolean clustered, boolean replicated, boolean grouped) {
            clusters = clustered ? new ArrayList<>() : null;
            replicates = replicated ? new ArrayList<>() : null;
            groups = grouped ? new ArrayList<>() : null;
        }

        void add(double v, long line, String cluster, String replicate, String group) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                lines = Arrays.copyOf(lines, size * 2);
            }
            values[size] = v;
            lines[size++] = line;
            if (clusters != null) {
                clusters.add(cluster);
            }
            if (replicates != null) {
                replicates.add(replicate);
            }
            if (groups != null) {
                groups.add(group);
            }
        }

        void skip(String group) {
            skipped.add(group == null ? "" : group);
        }

        ColumnFile build() {
            return new ColumnFile(Arrays.copyOf(values, size), Arrays.copyOf(lines, size),
                    clusters == null ? null : clusters.toArray(new String[0]),
                    replicates == null ? null : replicates.toArray(new String[0]),
                    groups == null ? null : groups.toArray(new String[0]), List.copyOf(skipped));
        }
    }
}
