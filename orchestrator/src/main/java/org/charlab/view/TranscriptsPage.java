package org.charlab.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.charlab.eval.SampleRow;
import org.charlab.report.RunResult;
import org.charlab.report.RunResults;
import org.charlab.report.Transcripts;

/**
 * The generated turns of a sweep's runs (each run's last eval stage, samples.jsonl), filtered by
 * run, arm, condition, family (or in_distribution / out_of_distribution) and detector hit: a
 * detector is a {@code *_present} score ("trait.caps.output_present"), hit = yes (1) or no (0).
 * Each turn is rendered as the report renders it ({@link Transcripts#cellHtml}): the spans each
 * detector fired on marked and named in text, unclosed or malformed turns flagged.
 */
final class TranscriptsPage {

    static final int DEFAULT_LIMIT = 200;

    private TranscriptsPage() {
    }

    static String html(ResultsIndex.Sweep s, Map<String, List<String>> q) {
        String run = first(q, "run");
        String arm = first(q, "arm");
        String condition = first(q, "condition");
        String family = first(q, "family");
        String detector = first(q, "detector");
        String hit = first(q, "hit");
        int limit = DEFAULT_LIMIT;
        if (first(q, "limit") != null) {
            try {
                limit = Math.max(1, Math.min(5000, Integer.parseInt(first(q, "limit"))));
            } catch (NumberFormatException e) {
                throw new org.charlab.BadInput("limit '" + first(q, "limit") + "': a whole number");
            }
        }
        RunResults.Found found = RunResults.load(List.of(s.dir().dir()), null);
        TreeSet<String> arms = new TreeSet<>();
        TreeSet<String> conditions = new TreeSet<>();
        TreeSet<String> families = new TreeSet<>();
        TreeSet<String> detectors = new TreeSet<>();
        TreeSet<String> runs = new TreeSet<>();
        List<String[]> shown = new ArrayList<>();
        int matching = 0;
        for (RunResult r : found.runs()) {
            arms.add(r.arm());
            runs.add(r.runId());
            for (SampleRow row : r.samples()) {
                conditions.add(row.condition());
                families.add(row.familyOrUnknown());
                row.scores().keySet().stream().filter(k -> k.endsWith("_present")).forEach(detectors::add);
                if (run != null && !run.equals(r.runId()) || arm != null && !arm.equals(r.arm())
                        || condition != null && !condition.equals(row.condition())
                        || family != null && !row.inGroup(family) || !hitMatches(row, detector, hit)) {
                    continue;
                }
                if (matching++ < limit) {
                    shown.add(new String[] {r.runId(), r.arm(), row.condition(), row.familyOrUnknown(),
                            row.promptId() + " #" + row.sample(),
                            "<td class=\"turn\">" + Transcripts.cellHtml(row) + "</td>"});
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("<p>").append(Html.link(Html.path("sweep", s.rel()), "sweep " + s.sweepId())).append("</p>\n")
                .append("<form method=\"get\">")
                .append(select("run", runs, run)).append(select("arm", arms, arm))
                .append(select("condition", conditions, condition))
                .append(select("family", withGroups(families), family)).append(select("detector", detectors, detector))
                .append(select("hit", List.of("yes", "no"), hit))
                .append(" <button type=\"submit\">Filter</button></form>\n<p id=\"matching\">").append(matching)
                .append(" turns match").append(matching > limit ? "; the first " + limit + " are shown" : "")
                .append(".</p>\n").append(Transcripts.legend())
                .append("<table><thead><tr><th>run</th><th>arm</th><th>condition</th><th>family</th>"
                        + "<th>prompt</th><th>turn</th></tr></thead><tbody>\n");
        for (String[] row : shown) {
            b.append("<tr>");
            for (int i = 0; i < 5; i++) {
                b.append("<td>").append(Html.esc(row[i])).append("</td>");
            }
            b.append(row[5]).append("</tr>\n");
        }
        b.append("</tbody></table>\n");
        for (String sk : found.skipped()) {
            b.append("<p>skipped ").append(Html.esc(sk)).append("</p>\n");
        }
        return Html.page("Transcripts " + s.experiment() + "/" + s.sweepId(),
                "<style>" + Transcripts.css() + "</style>\n" + b);
    }

    private static boolean hitMatches(SampleRow row, String detector, String hit) {
        if (detector == null) {
            return true;
        }
        Double v = row.scores().get(detector);
        if (v == null) {
            return false;
        }
        boolean fired = v >= 0.5;
        return hit == null ? fired : hit.equals("yes") == fired;
    }

    private static List<String> withGroups(TreeSet<String> families) {
        List<String> out = new ArrayList<>(families);
        out.addAll(List.of("in_distribution", "out_of_distribution"));
        return out;
    }

    private static String select(String name, Iterable<String> options, String chosen) {
        StringBuilder b = new StringBuilder("<label>").append(name).append(" <select name=\"").append(name)
                .append("\"><option value=\"\">any</option>");
        for (String o : options) {
            b.append("<option value=\"").append(Html.esc(o)).append('"').append(o.equals(chosen) ? " selected" : "")
                    .append('>').append(Html.esc(o)).append("</option>");
        }
        return b.append("</select></label> ").toString();
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0);
    }
}
