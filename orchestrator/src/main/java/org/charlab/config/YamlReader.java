package org.charlab.config;

import org.charlab.BadInput;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML document into a {@link Node} tree that remembers file:line:column of every value.
 * Anchors and aliases are refused (composition is what {@code extends:} is for), which also makes
 * alias bombs impossible; duplicate keys, multi-document files and oversized files are refused too.
 */
public final class YamlReader {

    static final long MAX_BYTES = 1 << 20;
    static final int MAX_DEPTH = 64;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private YamlReader() {
    }

    public static Node read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new BadInput(file + ": file is larger than " + MAX_BYTES + " bytes; a config should be small");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BadInput(file + ": no such file");
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(text, file);
    }

    /** Parses YAML text; {@code file} only names the origin in sources and messages. */
    public static Node parse(String text, Path file) {
        try (YAMLParser p = (YAMLParser) FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return Node.MapNode.empty(Source.file(file, 1, 1));
            }
            Node root = readValue(p, file, 0);
            if (p.nextToken() != null) {
                throw new BadInput(Source.file(file, line(p), col(p)) + ": only one YAML document per file is allowed");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? file.toString() : Source.file(file, at.getLineNr(), at.getColumnNr()).toString();
            throw new BadInput(where + ": malformed YAML: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static Node readValue(YAMLParser p, Path file, int depth) throws IOException {
        Source here = Source.file(file, line(p), col(p));
        if (depth > MAX_DEPTH) {
            throw new BadInput(here + ": nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (p.getObjectId() != null || p.isCurrentAlias()) {
            throw new BadInput(here + ": YAML anchors and aliases (&name, *name) are not supported; use extends: to reuse config");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> entries = new LinkedHashMap<>();
                Map<String, Source> keys = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Source keySource = Source.file(file, line(p), col(p));
                    if (entries.containsKey(key)) {
                        throw new BadInput(keySource + ": duplicate key '" + key + "' (first at " + keys.get(key) + ")");
                    }
                    p.nextToken();
                    keys.put(key, keySource);
                    entries.put(key, readValue(p, file, depth + 1));
                }
                return new Node.MapNode(entries, keys, here);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(p, file, depth + 1));
                }
                return new Node.ListNode(items, here);
            }
            case VALUE_STRING -> {
                return new Node.Scalar(p.getText(), here);
            }
            case VALUE_NUMBER_INT -> {
                return new Node.Scalar(p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER
                        ? (Object) p.getText() : p.getLongValue(), here);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Node.Scalar(p.getDoubleValue(), here);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Node.Scalar(t == JsonToken.VALUE_TRUE, here);
            }
            case VALUE_NULL -> {
                return new Node.Scalar(null, here);
            }
            default -> throw new BadInput(here + ": unexpected YAML content (" + t + ")");
        }
    }

    /** Parses a single YAML value written on the command line ({@code 1e-4}, {@code [1, 2]}, {@code cosine}). */
    public static Node parseValue(String text, Source source) {
        Node n;
        try {
            n = parse("v: " + text, Path.of("override"));
        } catch (BadInput e) {
            return new Node.Scalar(text, source);
        }
        Node v = ((Node.MapNode) n).get("v");
        return reattribute(v, source);
    }

    private static Node reattribute(Node n, Source source) {
        return Node.fromPlain(n.toPlain(), source);
    }

    private static int line(YAMLParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static int col(YAMLParser p) {
        return p.currentTokenLocation().getColumnNr();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
