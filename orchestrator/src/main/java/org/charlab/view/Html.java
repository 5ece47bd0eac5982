package org.charlab.view;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.charlab.report.Table;

/** Escaping, links and the page frame: every string from disk goes through {@link #esc}. */
final class Html {

    private Html() {
    }

    static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A URL path from segments, each percent-encoded ("/run/exp/s%201/a"). */
    static String path(String... segments) {
        StringBuilder b = new StringBuilder();
        for (String s : segments) {
            for (String part : s.split("/")) {
                if (!part.isEmpty()) {
                    b.append('/').append(url(part));
                }
            }
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String link(String href, String text) {
        return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
    }

    /** A table of strings (already plain text: escaped here). */
    static String table(Table t) {
        return table(t.columns(), t.rows());
    }

    static String table(List<String> columns, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table><thead><tr>");
        columns.forEach(c -> b.append("<th>").append(esc(c)).append("</th>"));
        b.append("</tr></thead><tbody>\n");
        for (List<String> r : rows) {
            b.append("<tr>");
            r.forEach(c -> b.append("<td>").append(esc(c)).append("</td>"));
            b.append("</tr>\n");
        }
        return b.append("</tbody></table>\n").toString();
    }

    /** The whole page: inline style, no external asset. {@code body} is HTML already escaped. */
    static String page(String title, String body) {
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + " - charlab view</title>\n<style>" + STYLE + "</style></head><body>\n<nav><a href=\"/\">charlab view</a>"
                + "</nav>\n<h1>" + esc(title) + "</h1>\n" + body + "\n</body></html>\n";
    }

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#111;max-width:1400px}
            nav{margin-bottom:1em}table{border-collapse:collapse;margin:.5em 0}
            th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
            th{background:#f2f2f2}pre{background:#f7f7f7;padding:.5em;white-space:pre-wrap;max-width:100em}
            .done{color:#060}.running{color:#05a;font-weight:bold}.failed{color:#a00;font-weight:bold}
            .interrupted{color:#a60}.pending{color:#666}.hit{background:#fe9}.unclosed{color:#a00}
            td.text{white-space:pre-wrap;max-width:40em;font-family:monospace;font-size:90%}
            figure{display:inline-block;margin:.5em}svg{border:1px solid #ccc;background:#fff}
            """;
}
