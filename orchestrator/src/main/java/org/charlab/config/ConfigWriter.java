package org.charlab.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Serialises config records back to plain maps, YAML and JSON: the resolved config a run records is
 * written from the very records that configured it (Tribuo's provenance lesson), so it cannot drift.
 */
public final class ConfigWriter {

    public static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigWriter() {
    }

    /** Record -> nested LinkedHashMaps with YAML (snake_case) keys, enums as labels, refs as strings. */
    public static Object toPlain(Object value) {
        return toPlain(value, f -> f.path().toString());
    }

    /** As {@link #toPlain(Object)}, with a custom rendering for file references (fingerprints in keys). */
    public static Object toPlain(Object value, Function<FileRef, Object> files) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Enum<?> e) {
            return Names.label(e);
        }
        if (value instanceof FileRef f) {
            return files.apply(f);
        }
        if (value instanceof StageRef r) {
            return r.name();
        }
        if (value instanceof Node n) {
            return n.toPlain();
        }
        if (value instanceof StageSpec s) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", s.type());
            if (s.input() != null) {
                out.put("input", s.input().name());
            }
            if (s.seed() != null) {
                out.put("seed", s.seed());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> cfg = (Map<String, Object>) toPlain(s.config(), files);
            out.putAll(cfg);
            return out;
        }
        if (value instanceof Record r) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                boolean inline = c.getAnnotation(Inline.class) != null;
                if (c.getAnnotation(Setting.class) == null && !inline) {
                    continue;
                }
                try {
                    Object v = toPlain(c.getAccessor().invoke(r), files);
                    if (v == null && !inline && c.getAnnotation(Setting.class).omitWhenNull()) {
                        continue;
                    }
                    if (inline) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = (Map<String, Object>) v;
                        out.putAll(m);
                        continue;
                    }
                    out.put(Names.snake(c.getName()), v);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), toPlain(v, files)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(toPlain(v, files)));
            return out;
        }
        throw new IllegalStateException("cannot serialise " + value.getClass());
    }

    public static String yaml(Object value) {
        try {
            return YAML.writeValueAsString(toPlain(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
