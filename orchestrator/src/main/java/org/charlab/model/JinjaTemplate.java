package org.charlab.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.beans.FeatureDescriptor;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import org.charlab.BadInput;

/**
 * A Hugging Face chat template rendered with Jinjava in the environment transformers builds
 * (utils/chat_template_utils.py): trim_blocks, lstrip_blocks, loop controls, {@code raise_exception},
 * {@code strftime_now}, and {@code tojson(ensure_ascii=False, indent, separators, sort_keys)}.
 *
 * <p>Jinjava is not Python's Jinja2; the gaps real templates hit are closed here:
 * <ul>
 * <li>Python string methods ({@code startswith}, {@code endswith}, {@code split}, {@code strip},
 *     {@code lstrip}, {@code rstrip}, {@code upper}, {@code lower}, {@code replace}) through an EL resolver;</li>
 * <li>two rewrites of the template text: {@code x[::-1]} becomes {@code x|reverse}, and a keyword
 *     argument of {@code namespace(...)} is parenthesised ({@code a=n - 1} parses as {@code (a=n) - 1} in Jinjava);</li>
 * <li>Jinjava's newer parsing of whitespace control ({@code {{-}}) and operator precedence.</li>
 * </ul>
 * A render error is a {@link BadInput} naming the template's file.
 */
final class JinjaTemplate {

    private static final Pattern NAMESPACE = Pattern.compile("namespace\\(([^()]*(?:\\([^()]*\\)[^()]*)*)\\)");

    private final String source;
    private final String template;
    private final Jinjava jinja;

    JinjaTemplate(String template, String source) {
        this.source = source;
        this.template = rewrite(template);
        JinjavaConfig cfg = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder().withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true).withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true).withHandleBackslashInQuotesOnly(true)
                        .withEvaluateMapKeys(true).build())
                .withElResolver(resolver()).withMaxOutputSize(0).build();
        this.jinja = new Jinjava(cfg);
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                JinjaTemplate.class, "raiseException", String.class));
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                JinjaTemplate.class, "strftimeNow", String.class));
        jinja.getGlobalContext().registerFilter(new ToJson());
    }

    /** The template text after the rewrites above. */
    static String rewrite(String t) {
        t = t.replace("[::-1]", "|reverse");
        Matcher m = NAMESPACE.matcher(t);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<String> args = new ArrayList<>();
            for (String a : splitTopLevel(m.group(1))) {
                int eq = a.indexOf('=');
                boolean kw = eq > 0 && a.substring(0, eq).trim().matches("\\w+") && !a.startsWith("=", eq + 1);
                args.add(kw ? a.substring(0, eq).trim() + "=(" + a.substring(eq + 1).trim() + ")" : a.trim());
            }
            m.appendReplacement(out, Matcher.quoteReplacement("namespace(" + String.join(", ", args) + ")"));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        if (!s.isBlank()) {
            parts.add(s.substring(from));
        }
        return parts;
    }

    /** Renders with {@code vars} (messages, add_generation_prompt, special tokens, template kwargs). */
    String render(Map<String, Object> vars) {
        RenderResult r = jinja.renderForResult(template, vars);
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                String msg = e.getMessage();
                Throwable cause = e.getException();
                while (cause != null) {
                    if (cause instanceof TemplateException te) {
                        msg = te.getMessage();
                    }
                    cause = cause.getCause();
                }
                throw new BadInput(source + ": chat_template failed (line " + e.getLineno() + "): " + msg);
            }
        }
        return r.getOutput();
    }

    /** What {@code raise_exception} throws; its message becomes the BadInput line. */
    static final class TemplateException extends RuntimeException {
        TemplateException(String message) {
            super(message);
        }
    }

    public static String raiseException(String message) {
        throw new TemplateException(message);
    }

    /** Python's datetime.now().strftime for the directives templates use (%d %m %Y %y %B %b %H %M %S %A %a %%). */
    public static String strftimeNow(String format) {
        LocalDateTime t = LocalDateTime.now();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                b.append(c);
                continue;
            }
            char d = format.charAt(++i);
            String month = t.getMonth().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH);
            String day = t.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH);
            b.append(switch (d) {
                case 'd' -> String.format("%02d", t.getDayOfMonth());
                case 'm' -> String.format("%02d", t.getMonthValue());
                case 'Y' -> String.valueOf(t.getYear());
                case 'y' -> String.format("%02d", t.getYear() % 100);
                case 'B' -> month;
                case 'b' -> month.substring(0, 3);
                case 'A' -> day;
                case 'a' -> day.substring(0, 3);
                case 'H' -> String.format("%02d", t.getHour());
                case 'M' -> String.format("%02d", t.getMinute());
                case 'S' -> String.format("%02d", t.getSecond());
                case '%' -> "%";
                default -> "%" + d;
            });
        }
        return b.toString();
    }

    /** transformers' tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False). */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 1 ? args[1] : null;
            boolean sort = Boolean.TRUE.equals(kwargs.get("sort_keys"));
            ObjectMapper om = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, sort);
            try {
                if (indent != null) {
                    int n = ((Number) indent).intValue();
                    DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                            .withObjectIndenter(new DefaultIndenter(" ".repeat(n), "\n"))
                            .withArrayIndenter(new DefaultIndenter(" ".repeat(n), "\n"))
                            .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                                    .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
                    return om.writer(pp).writeValueAsString(var);
                }
                return python(om.writeValueAsString(var));
            } catch (JsonProcessingException e) {
                throw new TemplateException("tojson: " + e.getOriginalMessage());
            }
        }

        /** Python's default separators (", ", ": ") outside strings. */
        private static String python(String compact) {
            StringBuilder b = new StringBuilder();
            boolean inString = false;
            for (int i = 0; i < compact.length(); i++) {
                char c = compact.charAt(i);
                b.append(c);
                if (inString) {
                    if (c == '\\') {
                        b.append(compact.charAt(++i));
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == ',' || c == ':') {
                    b.append(' ');
                }
            }
            return b.toString();
        }
    }

    private static ELResolver resolver() {
        CompositeELResolver r = new CompositeELResolver();
        r.add(new PythonStrings());
        r.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        return r;
    }

    /** Python's str methods on Java strings. */
    static final class PythonStrings extends ELResolver {
        @Override
        public Object invoke(ELContext c, Object base, Object method, Class<?>[] types, Object[] params) {
            if (!(base instanceof String s)) {
                return null;
            }
            Object r = call(s, String.valueOf(method), params == null ? new Object[0] : params);
            if (r != null) {
                c.setPropertyResolved(true);
            }
            return r;
        }

        static Object call(String s, String m, Object[] p) {
            String a = p.length > 0 && p[0] != null ? String.valueOf(p[0]) : null;
            return switch (m) {
                case "startswith" -> s.startsWith(a);
                case "endswith" -> s.endsWith(a);
                case "split" -> split(s, a);
                case "strip" -> rstrip(lstrip(s, a), a);
                case "lstrip" -> lstrip(s, a);
                case "rstrip" -> rstrip(s, a);
                case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
                case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
                case "replace" -> s.replace(a, String.valueOf(p[1]));
                default -> null;
            };
        }

        private static List<String> split(String s, String sep) {
            List<String> out = new ArrayList<>();
            if (sep == null) {
                for (String w : s.strip().split("\\s+")) {
                    if (!w.isEmpty()) {
                        out.add(w);
                    }
                }
                return out;
            }
            int i = 0;
            for (int j = s.indexOf(sep); j >= 0; j = s.indexOf(sep, i)) {
                out.add(s.substring(i, j));
                i = j + sep.length();
            }
            out.add(s.substring(i));
            return out;
        }

        private static boolean strips(char c, String chars) {
            return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
        }

        static String lstrip(String s, String chars) {
            int i = 0;
            while (i < s.length() && strips(s.charAt(i), chars)) {
                i++;
            }
            return s.substring(i);
        }

        static String rstrip(String s, String chars) {
            int j = s.length();
            while (j > 0 && strips(s.charAt(j - 1), chars)) {
                j--;
            }
            return s.substring(0, j);
        }

        @Override
        public Object getValue(ELContext c, Object base, Object property) {
            return null;
        }

        @Override
        public Class<?> getType(ELContext c, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext c, Object base, Object property, Object value) {
        }

        @Override
        public boolean isReadOnly(ELContext c, Object base, Object property) {
            return true;
        }

        @Override
        public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext c, Object base) {
            return null;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext c, Object base) {
            return null;
        }
    }
}
