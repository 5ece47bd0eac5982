package org.charlab.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;


/**
 * The config reference, generated from the {@link Setting} annotations: what {@code charlab
 * explain} prints, what {@code --help} lists, and docs/config-reference.md.
 */
public final class ConfigDocs {

    /** One documented field. {@code path} uses {@code <name>} for user-chosen map keys. */
    public record Entry(String path, String type, String def, String range, String doc, String paper,
            List<String> choices) {
    }

    /** A stage type with its summary and config record. */
    public record StageType(String type, String summary, Class<? extends Record> config) {
    }

    private final List<StageType> stageTypes;

    public ConfigDocs(List<StageType> stageTypes) {
        this.stageTypes = List.copyOf(stageTypes);
    }

    /** Every field of the experiment language, top-level sections first, then each stage type's. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        collect(ExperimentSpec.class, "", out);
        for (StageType t : stageTypes) {
            collect(t.config(), "stages.<name>[type=" + t.type() + "]", out);
        }
        return out;
    }

    private void collect(Class<?> record, String prefix, List<Entry> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            if (c.getAnnotation(Inline.class) != null) {
                collect(c.getType(), prefix, out);
                continue;
            }
            Setting s = c.getAnnotation(Setting.class);
            if (s == null) {
                continue;
            }
            String path = (prefix.isEmpty() ? "" : prefix + ".") + Names.snake(c.getName());
            Type t = c.getGenericType();
            out.add(new Entry(path, typeName(t), Setting.REQUIRED.equals(s.def()) ? "(required)" : s.def(),
                    isNumber(t) ? Binder.range(s) : "", s.doc(), s.paper(), choices(t)));
            Class<?> nested = nestedRecord(t);
            if (nested == StageSpec.class) {
                collect(StageSpec.class, path + ".<name>", out);
            } else if (nested != null) {
                collect(nested, path + (t instanceof ParameterizedType ? (isList(t) ? "[]" : ".<name>") : ""), out);
            }
        }
    }

    /** The entries whose path, last segment, or stage type matches {@code key}. */
    public List<Entry> find(String key) {
        List<Entry> exact = new ArrayList<>();
        for (Entry e : entries()) {
            String plain = e.path().replaceAll("\\[type=[^]]*]", "").replace(".<name>", "");
            String leaf = e.path().substring(e.path().lastIndexOf('.') + 1);
            String typed = e.path().contains("[type=") ? e.path().replaceAll(".*\\[type=([^]]*)]", "$1") : null;
            if (e.path().equals(key) || plain.equals(key) || leaf.equals(key)
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

    /** docs/config-reference.md. */
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
        for (Entry e : entries()) {
            sb.append("### `").append(e.path()).append("`\n\n");
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
        return sb.toString();
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
