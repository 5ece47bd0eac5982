package org.charlab.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.charlab.BadInput;

/**
 * Line-oriented JSON files, read all-or-nothing: the whole file is decoded (strict UTF-8) and
 * every line parsed and validated before anything is returned, so nothing ever trains on a
 * half-read file. The first bad line raises {@link BadInput} as {@code FILE:LINE: problem}.
 * Blank lines are skipped. Writing is deterministic: fields in a fixed order, UTF-8 unescaped,
 * {@code \n} line ends.
 */
public final class Jsonl {

    static final ObjectMapper JSON = new ObjectMapper();

    private Jsonl() {
    }

    /** A problem with one line; {@link #read} adds the file and line number. */
    static final class LineError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LineError(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads every non-blank line of {@code file} through {@code parse}. */
    static <T> List<T> read(Path file, Function<ObjectNode, T> parse) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read: " + e.getMessage());
        }
        List<T> out = new ArrayList<>();
        int start = 0;
        long line = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            line++;
            String text = decode(file, line, bytes, start, end);
            start = end + 1;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                String why = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*$", "");
                int col = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
                throw BadInput.at(file, line, "invalid JSON" + (col > 0 ? " at column " + col : "") + ": " + why);
            }
            if (node == null || !node.isObject()) {
                throw BadInput.at(file, line, "expected a JSON object, found " + kind(node));
            }
            try {
                out.add(parse.apply((ObjectNode) node));
            } catch (LineError e) {
                throw BadInput.at(file, line, e.getMessage());
            }
        }
        return out;
    }

    private static String decode(Path file, long line, byte[] bytes, int from, int to) {
        int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, end - from)).toString();
        } catch (CharacterCodingException e) {
            throw BadInput.at(file, line, "not valid UTF-8");
        }
    }

    /** Writes one JSON object per line, replacing {@code file} only once all lines are rendered. */
    static <T> void write(Path file, List<T> rows, Function<T, ObjectNode> render) {
        StringBuilder sb = new StringBuilder();
        for (T row : rows) {
            sb.append(toLine(render.apply(row))).append('\n');
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String toLine(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- field access with one-line problems ------------------------------------------------

    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    static JsonNode required(ObjectNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null) {
            throw new LineError(where + "missing field '" + field + "'");
        }
        return n;
    }

    static String requiredString(ObjectNode o, String field, String where) {
        JsonNode n = required(o, field, where);
        if (!n.isTextual()) {
            throw new LineError(where + "'" + field + "' must be a string, found " + kind(n));
        }
        return n.asText();
    }

    /** A string field that may be absent or null (returns null then). */
    static String optionalString(ObjectNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new LineError(where + "'" + field + "' must be a string, found " + kind(n));
        }
        return n.asText();
    }

    static void onlyFields(ObjectNode o, List<String> allowed, String where) {
        for (Map.Entry<String, JsonNode> field : o.properties()) {
            String name = field.getKey();
            if (!allowed.contains(name)) {
                throw new LineError(where + "unknown field '" + name + "' (allowed: "
                        + String.join(", ", allowed) + ")");
            }
        }
    }
}
