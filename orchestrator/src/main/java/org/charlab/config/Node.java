package org.charlab.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the place it came from, so every error can name file:line:column even after
 * {@code extends:} merges and command-line overrides. Maps keep their key order.
 */
public sealed interface Node {

    Source source();

    /** A human name for error messages: "a map", "a list", "the string 'x'". */
    String describe();

    /** A deep copy with plain Java values (LinkedHashMap, ArrayList, String, Number, Boolean, null). */
    Object toPlain();

    record MapNode(Map<String, Node> entries, Map<String, Source> keySources, Source source) implements Node {
        public MapNode {
            entries = new LinkedHashMap<>(entries);
            keySources = new LinkedHashMap<>(keySources);
        }

        public static MapNode empty(Source source) {
            return new MapNode(Map.of(), Map.of(), source);
        }

        public Node get(String key) {
            return entries.get(key);
        }

        public Source keySource(String key) {
            return keySources.getOrDefault(key, source);
        }

        @Override
        public String describe() {
            return "a map";
        }

        @Override
        public Object toPlain() {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, v) -> out.put(k, v.toPlain()));
            return out;
        }
    }

    record ListNode(List<Node> items, Source source) implements Node {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public Object toPlain() {
            List<Object> out = new ArrayList<>();
            items.forEach(i -> out.add(i.toPlain()));
            return out;
        }
    }

    /** A scalar: String, Long, Double, Boolean, or null for YAML null. */
    record Scalar(Object value, Source source) implements Node {
        @Override
        public String describe() {
            if (value == null) {
                return "null";
            }
            if (value instanceof String s) {
                return "the string '" + s + "'";
            }
            return (value instanceof Boolean ? "the boolean " : "the number ") + value;
        }

        @Override
        public Object toPlain() {
            return value;
        }
    }

    /** Builds a node tree from plain Java values, all attributed to one source. */
    static Node fromPlain(Object value, Source source) {
        if (value instanceof Node n) {
            return n;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Node> entries = new LinkedHashMap<>();
            Map<String, Source> keys = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                entries.put(String.valueOf(k), fromPlain(v, source));
                keys.put(String.valueOf(k), source);
            });
            return new MapNode(entries, keys, source);
        }
        if (value instanceof List<?> l) {
            List<Node> items = new ArrayList<>();
            l.forEach(v -> items.add(fromPlain(v, source)));
            return new ListNode(items, source);
        }
        if (value instanceof Integer i) {
            return new Scalar(i.longValue(), source);
        }
        if (value instanceof Float f) {
            return new Scalar(f.doubleValue(), source);
        }
        return new Scalar(value, source);
    }
}
