package org.charlab.report;

import java.util.List;
import java.util.function.IntFunction;

/** HTML text helpers shared by the report's fragments (and by anything that embeds them). */
public final class Html {

    private Html() {
    }

    /** Text as HTML: {@code & < > " '} escaped, so model text can never become markup. */
    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /**
     * A fragment id for any string: ASCII letters, digits and '-' kept, every other character as
     * '_' and its code point in hex, so two different strings never give the same id.
     */
    public static String id(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-')) {
                sb.appendCodePoint(c);
            } else {
                sb.append('_').append(Integer.toHexString(c));
            }
        });
        return sb.toString();
    }

    /**
     * A table; {@code link} gives, per row index, the fragment ({@code #id}) its {@code linkColumn}
     * cell links to, or null for none. Cells starting with a verdict label get its class.
     */
    public static String table(Table t, String id, IntFunction<String> link, int linkColumn) {
        StringBuilder html = new StringBuilder("<table").append(id == null ? "" : " id=\"" + esc(id) + "\"")
                .append("><thead><tr>");
        t.columns().forEach(c -> html.append("<th scope=\"col\">").append(esc(c)).append("</th>"));
        html.append("</tr></thead><tbody>\n");
        List<List<String>> rows = t.rows();
        for (int i = 0; i < rows.size(); i++) {
            html.append("<tr>");
            String href = link == null ? null : link.apply(i);
            for (int c = 0; c < rows.get(i).size(); c++) {
                String cell = rows.get(i).get(c);
                html.append("<td").append(verdictClass(cell)).append('>');
                if (c == linkColumn && href != null) {
                    html.append("<a href=\"").append(esc(href)).append("\">").append(esc(cell)).append("</a>");
                } else {
                    html.append(esc(cell));
                }
                html.append("</td>");
            }
            html.append("</tr>\n");
        }
        return html.append("</tbody></table>\n").toString();
    }

    private static String verdictClass(String cell) {
        if (cell.startsWith("reproduced")) {
            return " class=\"ok\"";
        }
        if (cell.startsWith("not reproduced")) {
            return " class=\"bad\"";
        }
        return cell.startsWith("inconclusive") ? " class=\"unsure\"" : "";
    }
}
