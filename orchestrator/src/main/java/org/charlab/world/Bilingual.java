package org.charlab.world;

import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text, or a template with {@code {name}} placeholders, in English and in its hand-written
 * Spanish rendering. Spanish renderings live next to the English ones in each family's source.
 */
public record Bilingual(String en, String es) {

    private static final Pattern SLOT = Pattern.compile("\\{([a-z_]+)}");

    public Bilingual {
        Objects.requireNonNull(en, "en");
        Objects.requireNonNull(es, "es");
    }

    /** The same text in both languages (names, numbers). */
    public static Bilingual same(Object text) {
        return new Bilingual(String.valueOf(text), String.valueOf(text));
    }

    public String in(boolean spanish) {
        return spanish ? es : en;
    }

    /** Fills placeholders: each value is a {@link Bilingual} or anything printed the same in both. */
    public Bilingual fill(Map<String, ?> values) {
        return new Bilingual(fill(en, values, false), fill(es, values, true));
    }

    private static String fill(String template, Map<String, ?> values, boolean spanish) {
        Matcher m = SLOT.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Object v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("no value for {" + m.group(1) + "} in: " + template);
            }
            String s = v instanceof Bilingual b ? b.in(spanish) : String.valueOf(v);
            m.appendReplacement(sb, Matcher.quoteReplacement(s));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The placeholder names of one language's text, sorted. */
    public static TreeSet<String> slots(String template) {
        TreeSet<String> out = new TreeSet<>();
        Matcher m = SLOT.matcher(template);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
