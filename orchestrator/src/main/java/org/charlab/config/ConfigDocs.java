package org.charlab.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;


/**
 * The config reference, generated from the {@link Setting} annotations: what {@code charlab
 * explain} prints, what {@code --help} lists, and docs/config-reference.md.
 */
public final class ConfigDocs {

    /**
     * One documented field. {@code path} uses {@code <name>} for user-chosen map keys; {@code group} is
     * the {@link Inline}d record the field comes from (null for a record's own fields).
     */
    public record Entry(String path, String type, String def, String range, String doc, String paper,
            List<String> choices, Class<?> group) {
    }

    /** A stage type with its summary and config record. */
    public record StageType(String type, String summary, Class<? extends Record> config) {
    }

    /** Where a group is inlined: at {@code prefix}, in stage type {@code stageType} (null outside stages). */
    private record Use(Class<?> group, String prefix, String stageType, Map<String, String> defaults) {
    }

    private final List<StageType> stageTypes;

    public ConfigDocs(List<StageType> stageTypes) {
        this.stageTypes = List.copyOf(stageTypes);
    }

    /**
     * Every field of the experiment language, top-level sections first, then each stage type's,
     * inlined groups repeated under every stage type that inlines them (what {@code explain} finds).
     */
    public List<Entry> entries() {
        return walk(new ArrayList<>());
    }

    private List<Entry> walk(List<Use> uses) {
        List<Entry> out = new ArrayList<>();
        collect(ExperimentSpec.class, "", null, null, Map.of(), out, uses);
        for (StageType t : stageTypes) {
            collect(t.config(), "stages.<name>[type=" + t.type() + "]", t.type(), null, Map.of(), out, uses);
        }
        return out;
    }

    private void collect(Class<?> record, String prefix, String stageType, Class<?> group, Map<String, String> defaults,
            List<Entry> out, List<Use> uses) {
        for (RecordComponent c : record.getRecordComponents()) {
            Inline inline = c.getAnnotation(Inline.class);
            if (inline != null) {
                Map<String, String> own = new LinkedHashMap<>(defaults);
                own.putAll(stageDefaults(c, inline));
                if (group == null) {
                    uses.add(new Use(c.getType(), prefix, stageType, own));
                }
                collect(c.getType(), prefix, stageType, group == null ? c.getType() : group, own, out, uses);
                continue;
            }
            Setting s = c.getAnnotation(Setting.class);
            if (s == null) {
                continue;
            }
            String key = Names.snake(c.getName());
            String path = (prefix.isEmpty() ? "" : prefix + ".") + key;
            Type t = c.getGenericType();
            String def = Setting.REQUIRED.equals(s.def()) ? "(required)" : s.def();
            if (defaults.containsKey(key)) {
                def += " (" + (stageType == null ? "here" : stageType) + ": " + defaults.get(key) + ")";
            }
            out.add(new Entry(path, typeName(t), def, isNumber(t) ? Binder.range(s) : "", s.doc(), s.paper(), choices(t),
                    group));
            Class<?> nested = nestedRecord(t);
            if (nested == StageSpec.class) {
                collect(StageSpec.class, path + ".<name>", stageType, group, Map.of(), out, uses);
            } else if (nested != null) {
                collect(nested, path + (t instanceof ParameterizedType ? (isList(t) ? "[]" : ".<name>") : ""), stageType,
                        group, Map.of(), out, uses);
            }
        }
    }

    /** {@link Inline#defaults()} of {@code c} as key -> shown value, checked against the group's declarations. */
    private static Map<String, String> stageDefaults(RecordComponent c, Inline inline) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String d : inline.defaults()) {
            int eq = d.indexOf('=');
            String key = eq < 0 ? d : d.substring(0, eq).trim();
            Setting s = setting(c.getType(), key);
            if (eq < 0 || s == null || !"null".equals(s.def())) {
                throw new IllegalStateException(c.getDeclaringRecord().getName() + "." + c.getName() + ": @Inline default '"
                        + d + "' must be key=value for a setting of " + c.getType().getSimpleName() + " whose default is null");
            }
            out.put(key, shown(d.substring(eq + 1).trim()));
        }
        return out;
    }

    /** The setting of {@code record} (or of a group it inlines) with YAML key {@code key}, or null. */
    private static Setting setting(Class<?> record, String key) {
        for (RecordComponent c : record.getRecordComponents()) {
            if (c.getAnnotation(Inline.class) != null) {
                Setting s = setting(c.getType(), key);
                if (s != null) {
                    return s;
                }
            } else if (Names.snake(c.getName()).equals(key)) {
                return c.getAnnotation(Setting.class);
            }
        }
        return null;
    }

    /** A number as the reference shows it: {@code 1.0E-4} (a Java constant's spelling) as {@code 0.0001}. */
    private static String shown(String literal) {
        try {
            BigDecimal b = new BigDecimal(literal).stripTrailingZeros();
            return (b.scale() < 0 ? b.setScale(0) : b).toString().toLowerCase(Locale.ROOT);
        } catch (NumberFormatException notANumber) {
            return literal;
        }
    }

    /** The entries whose path, last segment, or stage type matches {@code key}. */
    public List<Entry> find(String key) {
        List<Entry> exact = new ArrayList<>();
        for (Entry e : entries()) {
            String plain = e.path().replaceAll("\\[type=[^]]*]", "").replace(".<name>", "");
            String leaf = e.path().substring(e.path().lastIndexOf('.') + 1);
            String typed = e.path().contains("[type=") ? e.path().replaceAll(".*\\[type=([^]]*)]", "$1") : null;
            String type = e.path().contains("[type=") ? e.path().replaceAll(".*\\[type=([^]]*)].*", "$1") : null;
            if (e.path().equals(key) || plain.equals(key) || leaf.equals(key) || key.equals(type) // a stage type: its fields
                    || (typed != null && (typed.equals(key) || (typed + "." + leaf).equals(key) || key.equals("stages." + typed)))
                    || key.equals("stages." + leaf)) {
                exact.add(e);
            }
        }
        return exact;
    }

    public List<String> allPaths() {
        return entries().stream().map(Entry::path).toList();
    }

    public String text(Entry e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.path()).append('\n');
        sb.append("  type:    ").append(e.type()).append('\n');
        sb.append("  default: ").append(e.def()).append('\n');
        if (!e.range().isEmpty() && !e.range().equals("any number")) {
            sb.append("  range:   ").append(e.range()).append('\n');
        }
        sb.append("  ").append(wrap(e.doc(), 76, "  ")).append('\n');
        if (!e.choices().isEmpty()) {
            for (String c : e.choices()) {
                sb.append("    - ").append(c).append('\n');
            }
        }
        if (!e.paper().isEmpty()) {
            sb.append("  see: ").append(e.paper()).append('\n');
        }
        return sb.toString();
    }

    /**
     * docs/config-reference.md: each record's own fields, then each inlined group once, with the
     * stage types that inline it and the defaults they give it.
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# charlab config reference\n\n");
        sb.append("Generated from the `@Setting` annotations by `./charlab explain --markdown`; a test fails when this "
                + "file is stale. Every field can be set in an experiment file, in a fragment under `configs/` "
                + "(pulled in with `extends:`), or on the command line as `dotted.key=value`.\n\n");
        sb.append("## Stage types\n\n| type | what it does |\n|---|---|\n");
        for (StageType t : stageTypes) {
            sb.append("| `").append(t.type()).append("` | ").append(t.summary()).append(" |\n");
        }
        sb.append("\n## Fields\n\n");
        List<Use> uses = new ArrayList<>();
        for (Entry e : walk(uses)) {
            if (e.group() == null) {
                field(sb, e, "###");
            }
        }
        Map<String, List<Use>> groups = new LinkedHashMap<>();
        for (Use u : uses) {
            String at = u.prefix().replaceAll("\\[type=[^]]*]", "");
            groups.computeIfAbsent(u.group().getName() + " " + at, k -> new ArrayList<>()).add(u);
        }
        if (!groups.isEmpty()) {
            sb.append("## Inlined groups\n\n");
            sb.append("A group is declared once and inlined into each stage type named in its paths: its keys are "
                    + "written flat in the stage (`stages.sft.learning_rate`), and `charlab explain` shows them under "
                    + "each of those stage types.\n\n");
        }
        for (List<Use> g : groups.values()) {
            group(sb, g);
        }
        return sb.toString();
    }

    private void group(StringBuilder sb, List<Use> uses) {
        Class<?> group = uses.get(0).group();
        List<String> types = uses.stream().map(u -> u.stageType() == null ? "" : u.stageType()).toList();
        sb.append("### Group `").append(group.getSimpleName()).append("`\n\n");
        Doc doc = group.getAnnotation(Doc.class);
        if (doc != null) {
            sb.append(doc.value()).append("\n\n");
        }
        String prefix = uses.get(0).prefix();
        if (uses.get(0).stageType() != null) {
            sb.append("Inlined in: ")
                    .append(String.join(", ", types.stream().map(t -> "`" + t + "`").toList())).append(".\n\n");
            prefix = prefix.replaceFirst("\\[type=[^]]*]", "[type=" + String.join("|", types) + "]");
        }
        Set<String> changed = new LinkedHashSet<>();
        uses.forEach(u -> changed.addAll(u.defaults().keySet()));
        if (!changed.isEmpty()) {
            sb.append("Defaults by stage type, where the group leaves them to the stage type (`null`):\n\n| field |");
            types.forEach(t -> sb.append(" `").append(t).append("` |"));
            sb.append("\n|---|").append("---|".repeat(types.size())).append('\n');
            for (String key : changed) {
                sb.append("| `").append(key).append("` |");
                uses.forEach(u -> sb.append(" `").append(u.defaults().getOrDefault(key, "null")).append("` |"));
                sb.append('\n');
            }
            sb.append('\n');
        }
        List<Entry> fields = new ArrayList<>();
        collect(group, prefix, null, null, Map.of(), fields, new ArrayList<>());
        for (Entry e : fields) {
            field(sb, e, "####");
        }
    }

    private static void field(StringBuilder sb, Entry e, String heading) {
        sb.append(heading).append(" `").append(e.path()).append("`\n\n");
        sb.append("- type: ").append(e.type()).append('\n');
        sb.append("- default: `").append(e.def()).append("`\n");
        if (!e.range().isEmpty() && !e.range().equals("any number")) {
            sb.append("- range: ").append(e.range()).append('\n');
        }
        for (String c : e.choices()) {
            sb.append("- choice ").append(c).append('\n');
        }
        if (!e.paper().isEmpty()) {
            sb.append("- see: ").append(e.paper()).append('\n');
        }
        sb.append('\n').append(e.doc()).append("\n\n");
    }

    /** One line per field: for --help footers. */
    public List<String> summaryLines() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries()) {
            String doc = e.doc();
            int dot = doc.indexOf(". ");
            out.add(String.format(Locale.ROOT, "  %-44s %s", e.path(), dot < 0 ? doc : doc.substring(0, dot + 1)));
        }
        return out;
    }

    static String typeName(Type t) {
        if (t instanceof ParameterizedType pt) {
            Type[] a = pt.getActualTypeArguments();
            return isList(t) ? "list of " + typeName(a[0]) : "map of name -> " + typeName(a[1]);
        }
        Class<?> c = (Class<?>) t;
        if (c == Node.class) {
            return "any value";
        }
        if (c == StageSpec.class) {
            return "stage";
        }
        if (c == StageRef.class) {
            return "stage name";
        }
        if (c.isRecord() && c != FileRef.class) {
            return "section";
        }
        return Binder.expected(c).replaceFirst("^an? ", "");
    }

    private static boolean isList(Type t) {
        return t instanceof ParameterizedType pt && List.class.isAssignableFrom((Class<?>) pt.getRawType());
    }

    private static boolean isNumber(Type t) {
        return t == int.class || t == long.class || t == double.class || t == float.class || t == Integer.class
                || t == Long.class || t == Double.class || t == Float.class;
    }

    private static Class<?> nestedRecord(Type t) {
        if (t instanceof ParameterizedType pt) {
            Type[] a = pt.getActualTypeArguments();
            return nestedRecord(a[a.length - 1]);
        }
        Class<?> c = (Class<?>) t;
        return c.isRecord() && c != FileRef.class && c != StageRef.class ? c : null;
    }

    private static List<String> choices(Type t) {
        if (!(t instanceof Class<?> c) || !c.isEnum()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object o : c.getEnumConstants()) {
            Enum<?> e = (Enum<?>) o;
            String doc = "";
            try {
                Doc d = c.getField(e.name()).getAnnotation(Doc.class);
                doc = d == null ? "" : ": " + d.value();
            } catch (NoSuchFieldException ex) {
                // enum constants are fields
            }
            out.add("`" + Names.label(e) + "`" + doc);
        }
        return out;
    }

    static String wrap(String text, int width, String indent) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String w : text.split(" ")) {
            if (col > 0 && col + w.length() + 1 > width) {
                sb.append('\n').append(indent);
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }

}
