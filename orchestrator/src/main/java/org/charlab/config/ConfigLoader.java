package org.charlab.config;

import org.charlab.BadInput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an experiment file into one merged tree: {@code extends:} fragments first (deep merge, later
 * wins, cycles refused), then the file itself, then command-line {@code dotted.key=value} overrides.
 *
 * <p>An {@code extends:} entry ending in .yaml/.yml is a path relative to the file that names it;
 * any other entry (e.g. {@code model/tiny}) names a fragment under the nearest {@code configs/}
 * directory above that file, or under {@code $CHARLAB_HOME/configs}.
 *
 * <p>{@code extends:} may also stand inside any map, e.g. one stage:
 * {@code stages: {eval: {extends: eval/charworld, samples_per_prompt: 4}}}: the fragment then holds
 * that map's settings, and the experiment keeps the order of its own stages.
 */
public final class ConfigLoader {

    public static final String EXTENDS = "extends";

    private ConfigLoader() {
    }

    public static Node.MapNode load(Path file, List<String> overrides) {
        Node.MapNode merged = loadWithExtends(file.toAbsolutePath().normalize(), new ArrayList<>());
        for (String o : overrides) {
            merged = applyOverride(merged, o);
        }
        return merged;
    }

    private static Node.MapNode loadWithExtends(Path file, List<Path> stack) {
        if (!Files.isRegularFile(file)) {
            throw new BadInput(file + ": no such file");
        }
        Node root = YamlReader.read(file);
        if (!(root instanceof Node.MapNode map)) {
            throw new BadInput(root.source() + ": an experiment or config fragment must be a map of keys, found " + root.describe());
        }
        stack.add(file);
        Node.MapNode merged = resolve(file, map, stack, false);
        stack.remove(stack.size() - 1);
        return merged;
    }

    /** Resolves {@code extends:} inside nested maps: the fragment lies beneath that map's own keys. */
    private static Node nested(Path file, Node node, List<Path> stack) {
        if (node instanceof Node.ListNode l) {
            List<Node> items = new ArrayList<>();
            l.items().forEach(i -> items.add(nested(file, i, stack)));
            return new Node.ListNode(items, l.source());
        }
        if (!(node instanceof Node.MapNode m)) {
            return node;
        }
        return resolve(file, m, stack, true);
    }

    /**
     * A map with its {@code extends:} fragments merged beneath its own keys, and nested maps
     * resolved the same way. Fragments filling a nested map lose their {@code description:}.
     */
    private static Node.MapNode resolve(Path file, Node.MapNode map, List<Path> stack, boolean nested) {
        Node.MapNode base = Node.MapNode.empty(map.source());
        Node ext = map.get(EXTENDS);
        if (ext != null) {
            List<Node> names = ext instanceof Node.ListNode l ? l.items() : List.of(ext);
            for (Node name : names) {
                if (!(name instanceof Node.Scalar s) || !(s.value() instanceof String ref)) {
                    throw new BadInput(name.source() + ": extends: expects a fragment name or a list of them, found " + name.describe());
                }
                Path target = resolveFragment(file, ref, name.source());
                if (stack.contains(target)) {
                    StringBuilder cycle = new StringBuilder();
                    for (Path p : stack.subList(stack.indexOf(target), stack.size())) {
                        cycle.append(p.getFileName()).append(" -> ");
                    }
                    throw new BadInput(name.source() + ": cyclic extends: " + cycle + target.getFileName());
                }
                Node.MapNode fragment = loadWithExtends(target, stack);
                base = merge(base, nested ? withoutDescription(fragment) : fragment);
            }
        }
        Map<String, Node> own = new LinkedHashMap<>();
        Map<String, Source> ownKeys = new LinkedHashMap<>(map.keySources());
        ownKeys.remove(EXTENDS);
        for (Map.Entry<String, Node> e : map.entries().entrySet()) {
            if (!e.getKey().equals(EXTENDS)) {
                own.put(e.getKey(), nested(file, e.getValue(), stack));
            }
        }
        return merge(base, new Node.MapNode(own, ownKeys, map.source()));
    }

    /** A fragment's {@code description:} is for `charlab list`, not a setting of the map it fills. */
    private static Node.MapNode withoutDescription(Node.MapNode fragment) {
        Map<String, Node> e = new LinkedHashMap<>(fragment.entries());
        Map<String, Source> k = new LinkedHashMap<>(fragment.keySources());
        e.remove("description");
        k.remove("description");
        return new Node.MapNode(e, k, fragment.source());
    }

    static Path resolveFragment(Path from, String ref, Source where) {
        Path target;
        if (ref.endsWith(".yaml") || ref.endsWith(".yml")) {
            target = from.getParent().resolve(ref).normalize();
        } else {
            Path root = configsRoot(from);
            if (root == null) {
                throw new BadInput(where + ": extends: '" + ref + "' names a fragment but no configs/ directory was found above "
                        + from.getParent() + " (set CHARLAB_HOME or give a relative .yaml path)");
            }
            target = root.resolve(ref + ".yaml").normalize();
        }
        if (!Files.isRegularFile(target)) {
            throw new BadInput(where + ": extends: no such file " + target);
        }
        return target;
    }

    /** The nearest configs/ directory above {@code file}, else $CHARLAB_HOME/configs, else null. */
    public static Path configsRoot(Path file) {
        for (Path d = file.toAbsolutePath().getParent(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("configs"))) {
                return d.resolve("configs");
            }
        }
        String home = System.getenv("CHARLAB_HOME");
        if (home != null && Files.isDirectory(Path.of(home, "configs"))) {
            return Path.of(home, "configs");
        }
        return null;
    }

    /** Deep merge: maps merge key by key, anything else in {@code over} replaces {@code base}. */
    public static Node.MapNode merge(Node.MapNode base, Node.MapNode over) {
        Map<String, Node> out = new LinkedHashMap<>(base.entries());
        Map<String, Source> keys = new LinkedHashMap<>(base.keySources());
        over.entries().forEach((k, v) -> {
            Node old = out.get(k);
            out.put(k, old instanceof Node.MapNode om && v instanceof Node.MapNode vm ? merge(om, vm) : v);
            keys.put(k, over.keySource(k));
        });
        return new Node.MapNode(out, keys, over.entries().isEmpty() ? base.source() : over.source());
    }

    /** Applies one {@code dotted.key=value} override; the value is read as YAML. */
    public static Node.MapNode applyOverride(Node.MapNode root, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new BadInput("override '" + override + "': expected dotted.key=value");
        }
        String path = override.substring(0, eq).trim();
        Source src = Source.commandLine(override);
        Node value = YamlReader.parseValue(override.substring(eq + 1), src);
        return setPath(root, path, value, src);
    }

    /** Sets {@code dotted.path} to {@code value}, creating maps on the way. */
    public static Node.MapNode setPath(Node.MapNode root, String path, Node value, Source src) {
        String[] parts = path.split("\\.", -1);
        for (String p : parts) {
            if (p.isEmpty()) {
                throw new BadInput(src + ": empty key in '" + path + "'");
            }
        }
        return setPath(root, parts, 0, value, src, path);
    }

    private static Node.MapNode setPath(Node.MapNode map, String[] parts, int i, Node value, Source src, String path) {
        Map<String, Node> out = new LinkedHashMap<>(map.entries());
        Map<String, Source> keys = new LinkedHashMap<>(map.keySources());
        String key = parts[i];
        if (i == parts.length - 1) {
            out.put(key, value);
        } else {
            Node child = out.get(key);
            Node.MapNode childMap;
            if (child == null || child instanceof Node.Scalar s && s.value() == null) {
                childMap = Node.MapNode.empty(src);
            } else if (child instanceof Node.MapNode m) {
                childMap = m;
            } else {
                throw new BadInput(src + ": cannot set '" + path + "': '" + String.join(".", java.util.Arrays.copyOf(parts, i + 1))
                        + "' is " + child.describe() + " (" + child.source() + "), not a map");
            }
            out.put(key, setPath(childMap, parts, i + 1, value, src, path));
        }
        keys.putIfAbsent(key, src);
        return new Node.MapNode(out, keys, map.source());
    }

    /** Reads the first {@code description:} line of a YAML file cheaply, for listings. */
    public static String describe(Path file) {
        try {
            Node n = YamlReader.read(file);
            if (n instanceof Node.MapNode m && m.get("description") instanceof Node.Scalar s && s.value() != null) {
                String d = String.valueOf(s.value()).strip();
                int nl = d.indexOf('\n');
                return nl < 0 ? d : d.substring(0, nl);
            }
        } catch (BadInput e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
        return "";
    }

}
