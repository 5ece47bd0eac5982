package org.charlab.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.lang.reflect.Method;
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

    /** A serialised component of a config record: its accessor, YAML key and how nulls and inlining are written. */
    private record Component(Method accessor, String key, boolean inline, boolean omitWhenNull) {
    }

    /**
     * The serialised components of each record class, read by reflection once per class: planning a sweep
     * serialises every run's whole config several times, and reflection per call was a fifth of its time.
     */
    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            List<Component> out = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                boolean inline = c.getAnnotation(Inline.class) != null;
                Setting s = c.getAnnotation(Setting.class);
                if (s == null && !inline) {
                    continue;
                }
                Method accessor = c.getAccessor();
                accessor.setAccessible(true);
                out.add(new Component(accessor, Names.snake(c.getName()), inline, !inline && s.omitWhenNull()));
            }
            return List.copyOf(out);
        }
    };

    /** Receives a config record's settings: the YAML key (null for an inlined record) and the value. */
    public interface SettingVisitor {
        void visit(String key, Object value);
    }

    /** Visits the settings of {@code r} in declaration order, as {@link #toPlain} serialises them. */
    public static void forEachSetting(Record r, SettingVisitor visitor) {
        for (Component c : COMPONENTS.get(r.getClass())) {
            try {
                visitor.visit(c.inline() ? null : c.key(), c.accessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
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
            for (Component c : COMPONENTS.get(r.getClass())) {
                try {
                    Object v = toPlain(c.accessor().invoke(r), files);
                    if (c.inline()) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = (Map<String, Object>) v;
                        out.putAll(m);
                    } else if (v != null || !c.omitWhenNull()) {
                        out.put(c.key(), v);
                    }
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
