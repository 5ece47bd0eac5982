package org.charlab.config;

import org.charlab.BadInput;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds a {@link Node} tree to config records, validating as it goes: unknown keys (with a "did you
 * mean"), types, ranges, required fields, enum spellings, file existence. Every error is one
 * {@link BadInput} line of the form {@code file:line:col: dotted.path: problem}.
 *
 * <p>A {@link StageSpec} is polymorphic: its {@code type} picks the config record that receives
 * the keys that are not {@code StageSpec}'s own, through {@code stageTypes}.
 */
public final class Binder {

    private final Function<String, Class<? extends Record>> stageTypes;

    /** @param stageTypes the config record of a stage type, or null when the type is unknown */
    public Binder(Function<String, Class<? extends Record>> stageTypes) {
        this.stageTypes = stageTypes;
    }

    public <R extends Record> R bind(Class<R> type, Node node, String path) {
        if (!(node instanceof Node.MapNode map)) {
            throw error(node.source(), path, "expected a map of keys, found " + node.describe());
        }
        return bindRecord(type, map, path);
    }

    private <R extends Record> R bindRecord(Class<R> type, Node.MapNode node, String path) {
        if (type == StageSpec.class) {
            return type.cast(bindStage(node, path));
        }
        checkKeys(node, keys(type), formerKeys(type), path);
        return bindKnown(type, node, path);
    }

    /** Binds the components of {@code type} from {@code node}, whose keys were checked already. */
    private <R extends Record> R bindKnown(Class<R> type, Node.MapNode node, String path) {
        Shape shape = SHAPES.get(type);
        Object[] args = new Object[shape.parts().size()];
        for (int i = 0; i < args.length; i++) {
            Part part = shape.parts().get(i);
            if (part.inline() != null) {
                args[i] = bindKnown(part.inline(), node, path);
            } else {
                args[i] = bindComponent(part.component(), part.setting(), part.type(), node, part.key(), path);
            }
        }
        return type.cast(construct(type, shape.constructor(), args, node.source(), path));
    }

    /** A record component as binding reads it: its YAML key, annotation and generic type, or its inlined record. */
    private record Part(RecordComponent component, String key, Setting setting, Type type,
            Class<? extends Record> inline) {
    }

    /** A record class as binding reads it. */
    private record Shape(List<Part> parts, Constructor<?> constructor) {
    }

    /**
     * The components and canonical constructor of each record class, read by reflection once: a sweep binds
     * every run's whole config, and annotation and generic-signature lookups per bind were most of it.
     */
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            RecordComponent[] comps = type.getRecordComponents();
            List<Part> parts = new ArrayList<>(comps.length);
            Class<?>[] types = new Class<?>[comps.length];
            for (int i = 0; i < comps.length; i++) {
                RecordComponent c = comps[i];
                types[i] = c.getType();
                parts.add(c.getAnnotation(Inline.class) != null
                        ? new Part(c, null, null, null, c.getType().asSubclass(Record.class))
                        : new Part(c, Names.snake(c.getName()), c.getAnnotation(Setting.class), c.getGenericType(), null));
            }
            try {
                Constructor<?> ctor = type.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                return new Shape(List.copyOf(parts), ctor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("no canonical constructor in " + type.getName(), e);
            }
        }
    };

    /** The YAML keys a record accepts: its settings and those of its inlined records. */
    public static Set<String> keys(Class<?> type) {
        return KEYS.get(type);
    }

    /**
     * Parsed defaults by (path, default text). Nodes are immutable, and a sweep binds the same paths' defaults
     * once per run: parsing them with SnakeYAML every time was a quarter of planning.
     */
    private static final Map<String, Node> DEFAULTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Per record class, computed once: binding a 1,000-run sweep asks for the same classes' keys every run. */
    private static final ClassValue<Set<String>> KEYS = new ClassValue<>() {
        @Override
        protected Set<String> computeValue(Class<?> type) {
            return java.util.Collections.unmodifiableSet(computeKeys(type));
        }
    };

    private static final ClassValue<Map<String, String>> FORMER_KEYS = new ClassValue<>() {
        @Override
        protected Map<String, String> computeValue(Class<?> type) {
            return java.util.Collections.unmodifiableMap(computeFormerKeys(type));
        }
    };

    private static Set<String> computeKeys(Class<?> type) {
        Set<String> out = new LinkedHashSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getAnnotation(Inline.class) != null) {
                out.addAll(keys(c.getType()));
            } else if (c.getAnnotation(Setting.class) != null) {
                out.add(Names.snake(c.getName()));
            }
        }
        return out;
    }

    /** Old YAML keys of a record's settings and those of its inlined records ({@link Formerly}), to the new. */
    static Map<String, String> formerKeys(Class<?> type) {
        return FORMER_KEYS.get(type);
    }

    private static Map<String, String> computeFormerKeys(Class<?> type) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getAnnotation(Inline.class) != null) {
                out.putAll(formerKeys(c.getType()));
            } else if (c.getAnnotation(Formerly.class) != null) {
                for (String old : c.getAnnotation(Formerly.class).value()) {
                    out.put(old, Names.snake(c.getName()));
                }
            }
        }
        return out;
    }

    private StageSpec bindStage(Node.MapNode node, String path) {
        Map<String, RecordComponent> own = new LinkedHashMap<>();
        for (RecordComponent c : StageSpec.class.getRecordComponents()) {
            if (c.getAnnotation(Setting.class) != null) {
                own.put(Names.snake(c.getName()), c);
            }
        }
        Node typeNode = node.get("type");
        if (typeNode == null) {
            throw error(node.source(), path, "missing required key 'type' (the kind of stage)");
        }
        String typeName = (String) bindValue(String.class, typeNode, join(path, "type"), null);
        Class<? extends Record> cfgType = stageTypes.apply(typeName);
        if (cfgType == null) {
            throw error(typeNode.source(), join(path, "type"), "unknown stage type '" + typeName + "'" + hint(typeName,
                    knownTypes()));
        }
        Map<String, Node> rest = new LinkedHashMap<>();
        Map<String, Source> restKeys = new LinkedHashMap<>();
        node.entries().forEach((k, v) -> {
            if (!own.containsKey(k)) {
                rest.put(k, v);
                restKeys.put(k, node.keySource(k));
            }
        });
        Set<String> allowed = new LinkedHashSet<>(own.keySet());
        allowed.addAll(keys(cfgType));
        checkKeys(node, allowed, formerKeys(cfgType), path);
        Record config = bindRecord(cfgType, new Node.MapNode(rest, restKeys, node.source()), path);
        return new StageSpec(typeName,
                (StageRef) bindComponent(own.get("input"), node, "input", path),
                (Long) bindComponent(own.get("seed"), node, "seed", path),
                config);
    }

    private java.util.List<String> knownTypes = null;

    private java.util.List<String> knownTypes() {
        return knownTypes == null ? List.of() : knownTypes;
    }

    /** Names the stage types in "did you mean" hints. */
    public Binder withKnownTypes(java.util.Collection<String> types) {
        this.knownTypes = List.copyOf(types);
        return this;
    }

    private Object bindComponent(RecordComponent c, Node.MapNode node, String key, String path) {
        return bindComponent(c, c.getAnnotation(Setting.class), c.getGenericType(), node, key, path);
    }

    private Object bindComponent(RecordComponent c, Setting s, Type type, Node.MapNode node, String key, String path) {
        if (s == null) {
            throw new IllegalStateException(c.getDeclaringRecord().getName() + "." + c.getName() + " has no @Setting");
        }
        Node v = node.get(key);
        String p = join(path, key);
        if (v == null) {
            if (Setting.REQUIRED.equals(s.def())) {
                throw error(node.source(), path.isEmpty() ? "(top level)" : path, "missing required key '" + key + "' ("
                        + firstSentence(s.doc()) + ")");
            }
            v = DEFAULTS.computeIfAbsent(p + "\u0000" + s.def(),
                    x -> YamlReader.parseValue(s.def(), Source.builtIn("default of " + p)));
        }
        return bindValue(type, v, p, s);
    }

    private Object bindValue(Type type, Node node, String path, Setting s) {
        if (node instanceof Node.Scalar sc && sc.value() == null) {
            if (s != null && "null".equals(s.def())) {
                return null;
            }
            throw error(node.source(), path, "must not be null");
        }
        if (type instanceof ParameterizedType pt) {
            Class<?> raw = (Class<?>) pt.getRawType();
            Type[] args = pt.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                if (node instanceof Node.Scalar one) {
                    // a single value where a list is expected is a one-item list ("prompt: Be brief.")
                    return List.of(bindValue(args[0], one, path, elementSetting(s)));
                }
                if (!(node instanceof Node.ListNode list)) {
                    throw error(node.source(), path, "expected a list, found " + node.describe());
                }
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < list.items().size(); i++) {
                    out.add(bindValue(args[0], list.items().get(i), path + "[" + i + "]", elementSetting(s)));
                }
                return List.copyOf(out);
            }
            if (Map.class.isAssignableFrom(raw)) {
                if (!(node instanceof Node.MapNode map)) {
                    throw error(node.source(), path, "expected a map, found " + node.describe());
                }
                Map<String, Object> out = new LinkedHashMap<>();
                map.entries().forEach((k, v) -> out.put(k, bindValue(args[1], v, join(path, k), elementSetting(s))));
                return java.util.Collections.unmodifiableMap(out);
            }
            throw new IllegalStateException("unsupported config type " + type + " at " + path);
        }
        Class<?> c = (Class<?>) type;
        if (c == Node.class) {
            return node;
        }
        if (c.isRecord() && c != FileRef.class && c != StageRef.class) {
            if (!(node instanceof Node.MapNode map)) {
                throw error(node.source(), path, "expected a map of keys, found " + node.describe());
            }
            return bindRecord(c.asSubclass(Record.class), map, path);
        }
        if (!(node instanceof Node.Scalar sc)) {
            throw error(node.source(), path, "expected " + expected(c) + ", found " + node.describe());
        }
        Object v = sc.value();
        if (c == String.class) {
            if (v instanceof String || v instanceof Number) {
                return String.valueOf(v);
            }
        } else if (c == long.class || c == Long.class || c == int.class || c == Integer.class) {
            if (v instanceof Long l) {
                checkRange(l, s, node, path);
                if ((c == int.class || c == Integer.class) && (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE)) {
                    throw error(node.source(), path, "integer out of range: " + l);
                }
                return c == int.class || c == Integer.class ? (Object) l.intValue() : (Object) l;
            }
        } else if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            if (v instanceof Number n) {
                double d = n.doubleValue();
                if (!Double.isFinite(d)) {
                    throw error(node.source(), path, "must be a finite number, found " + d);
                }
                checkRange(d, s, node, path);
                return c == float.class || c == Float.class ? (Object) (float) d : (Object) d;
            }
        } else if (c == boolean.class || c == Boolean.class) {
            if (v instanceof Boolean b) {
                return b;
            }
        } else if (c.isEnum()) {
            if (v instanceof String str) {
                List<String> labels = new ArrayList<>();
                for (Object e : c.getEnumConstants()) {
                    String label = Names.label((Enum<?>) e);
                    if (label.equals(str)) {
                        return e;
                    }
                    labels.add(label);
                }
                throw error(node.source(), path, "'" + str + "' is not one of " + String.join(", ", labels) + hint(str, labels));
            }
        } else if (c == FileRef.class) {
            if (v instanceof String str) {
                return new FileRef(resolveFile(str, node, path));
            }
        } else if (c == StageRef.class) {
            if (v instanceof String str) {
                return new StageRef(str);
            }
        } else {
            throw new IllegalStateException("unsupported config type " + c + " at " + path);
        }
        throw error(node.source(), path, "expected " + expected(c) + ", found " + node.describe());
    }

    private static Path resolveFile(String str, Node node, String path) {
        Path p = Path.of(str);
        if (!p.isAbsolute()) {
            String origin = node.source().origin();
            Path base = node.source().line() > 0 ? Path.of(origin).toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
            p = base.resolve(p);
        }
        p = p.normalize();
        if (!Files.exists(p)) {
            throw error(node.source(), path, "no such file or directory: " + p);
        }
        return p;
    }

    private static Setting elementSetting(Setting s) {
        return s;
    }

    private static void checkRange(double d, Setting s, Node node, String path) {
        if (s == null) {
            return;
        }
        boolean lowOk = s.minExclusive() ? d > s.min() : d >= s.min();
        if (!lowOk || d > s.max()) {
            throw error(node.source(), path, "must be " + range(s) + ", found " + node.toPlain());
        }
    }

    /** "between 0 and 1", "> 0", ">= 1": for messages and docs. */
    public static String range(Setting s) {
        String lo = s.min() == Double.NEGATIVE_INFINITY ? null : (s.minExclusive() ? "> " : ">= ") + num(s.min());
        String hi = s.max() == Double.POSITIVE_INFINITY ? null : "<= " + num(s.max());
        if (lo != null && hi != null) {
            return lo + " and " + hi;
        }
        return lo != null ? lo : hi != null ? hi : "any number";
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private void checkKeys(Node.MapNode node, Set<String> allowed, Map<String, String> former, String path) {
        for (String k : node.entries().keySet()) {
            if (!allowed.contains(k) && former.containsKey(k)) {
                throw new BadInput(node.keySource(k) + ": " + join(path, k) + ": this setting is now called '"
                        + former.get(k) + "'; rename the key");
            }
            if (!allowed.contains(k)) {
                String at = path.isEmpty() ? "the top level" : path;
                throw new BadInput(node.keySource(k) + ": unknown key '" + k + "' at " + at + hint(k, allowed)
                        + " (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }

    private static String hint(String word, java.util.Collection<String> candidates) {
        String c = Names.closest(word, candidates);
        return c == null ? "" : "; did you mean '" + c + "'?";
    }

    private static Object construct(Class<?> type, Constructor<?> ctor, Object[] args, Source source, String path) {
        try {
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException || cause instanceof BadInput) {
                throw error(source, path.isEmpty() ? "(top level)" : path, cause.getMessage());
            }
            throw new IllegalStateException("building " + type.getSimpleName() + " at " + path, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName(), e);
        }
    }

    static String expected(Class<?> c) {
        if (c == String.class || c == StageRef.class) {
            return "a string";
        }
        if (c == FileRef.class) {
            return "a path";
        }
        if (c == long.class || c == Long.class || c == int.class || c == Integer.class) {
            return "an integer";
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return "a number";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "true or false";
        }
        if (c.isEnum()) {
            List<String> labels = new ArrayList<>();
            for (Object e : c.getEnumConstants()) {
                labels.add(Names.label((Enum<?>) e));
            }
            return "one of " + String.join(", ", labels);
        }
        return c.getSimpleName();
    }

    private static String firstSentence(String doc) {
        int dot = doc.indexOf(". ");
        return dot < 0 ? doc.replaceAll("\\.$", "") : doc.substring(0, dot);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static BadInput error(Source source, String path, String problem) {
        return new BadInput(source + ": " + path + ": " + problem);
    }
}
