package org.charlab.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.charlab.eval.SampleRow;
import org.charlab.world.Trait;
import org.charlab.world.detect.Detectors;
import org.charlab.world.detect.Span;
import org.charlab.world.detect.TraitDetector;

/**
 * Transcripts side by side: for a few prompts chosen reproducibly ({@link #choose}), each group's
 * CoT and output under each condition, one table per condition with a column per group and a row
 * per prompt. Each group shows its run of the lowest seed, sample 0. The spans each trait detector
 * fired on are highlighted ({@code <mark data-detector>} with a title, an underline style of its
 * own and a legend, and listed in words under the texts); a CoT that never closed, a malformed
 * think block, a generation cut at the token limit and an output that is not well formed are
 * marked in text. {@link #html()} and {@link #markdown()} are fragments that a page can embed.
 */
public final class Transcripts {

    /** Prompts shown unless asked otherwise (raised to the number of strata, so each is covered). */
    public static final int DEFAULT_PROMPTS = 6;

    /** A prompt of the evaluation: its id, family ("unknown" when not named) and distribution (null: not said). */
    public record Prompt(String id, String family, Boolean ood) {

        /** "arithmetic, out of distribution". */
        public String stratum() {
            return family + (ood == null ? "" : ood ? ", out of distribution" : ", in distribution");
        }
    }

    /** What one detector (or judge) fired on in one text; {@code spans} empty when it points at nothing. */
    public record Hit(String detector, List<Span> spans) {
    }

    private final List<RunResult> shown;
    private final List<String> conditions;
    private final List<Prompt> prompts;
    private final long seed;
    private final int asked;

    /**
     * @param runs  the evaluated runs (any number of groups and seeds)
     * @param seed  seed of the prompt choice, recorded in the section
     * @param count prompts to show (at least one per stratum)
     */
    public Transcripts(List<RunResult> runs, long seed, int count) {
        Map<String, RunResult> first = new LinkedHashMap<>();
        for (RunResult r : runs) {
            first.merge(r.group(), r, (a, b) -> b.seed() < a.seed() ? b : a);
        }
        this.shown = List.copyOf(first.values());
        Set<String> cs = new LinkedHashSet<>();
        shown.forEach(r -> r.samples().forEach(s -> cs.add(s.condition())));
        this.conditions = List.copyOf(cs);
        this.seed = seed;
        this.asked = count;
        this.prompts = choose(shown, seed, count);
    }

    /**
     * The prompts to show: the prompts every shown run was evaluated on (or, when they share none,
     * those of the first), grouped into strata by (family, in/out of distribution) in sorted order;
     * each stratum's ids sorted, then shuffled by one {@link SplittableRandom} of {@code seed}; then
     * taken round-robin over the strata (one of each first) until {@code count} are chosen or none
     * is left. The same runs and seed always give the same prompts, whatever the file order.
     */
    static List<Prompt> choose(List<RunResult> runs, long seed, int count) {
        Map<String, Prompt> common = null;
        for (RunResult r : runs) {
            Map<String, Prompt> mine = new TreeMap<>();
            r.samples().forEach(s -> mine.putIfAbsent(s.promptId(), new Prompt(s.promptId(), s.familyOrUnknown(), s.ood())));
            if (common == null) {
                common = mine;
            } else {
                Map<String, Prompt> both = new TreeMap<>(common);
                both.keySet().retainAll(mine.keySet());
                common = both.isEmpty() ? common : both;
            }
        }
        if (common == null) {
            return List.of();
        }
        Map<String, List<Prompt>> strata = new TreeMap<>();
        common.values().forEach(p -> strata.computeIfAbsent(p.stratum(), k -> new ArrayList<>()).add(p));
        SplittableRandom rng = new SplittableRandom(seed);
        for (List<Prompt> s : strata.values()) {
            for (int i = s.size() - 1; i > 0; i--) { // Fisher-Yates over the sorted ids
                Collections.swap(s, i, rng.nextInt(i + 1));
            }
        }
        List<Prompt> out = new ArrayList<>();
        int target = Math.max(count, strata.size());
        for (int round = 0; out.size() < target; round++) {
            boolean any = false;
            for (List<Prompt> s : strata.values()) {
                if (round < s.size() && out.size() < target) {
                    out.add(s.get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        out.sort(Comparator.comparing(Prompt::stratum).thenComparing(Prompt::id));
        return out;
    }

    /** The chosen prompts, in display order. */
    public List<Prompt> prompts() {
        return prompts;
    }

    /**
     * The fragment id of a group's column under a condition, or null when no transcript of it is
     * shown; an arm name stands for its first group.
     */
    public String anchor(String group, String condition) {
        if (prompts.isEmpty()) {
            return null;
        }
        RunResult r = shown.stream().filter(x -> x.group().equals(group)).findFirst()
                .orElse(shown.stream().filter(x -> x.arm().equals(group)).findFirst().orElse(null));
        boolean has = r != null && r.samples().stream().anyMatch(s -> s.condition().equals(condition));
        return has ? "tr-" + Html.id(condition) + "--" + Html.id(r.group()) : null;
    }

    /** One sentence saying how the prompts and runs were chosen. */
    public String choice() {
        Set<String> strata = new TreeSet<>();
        prompts.forEach(p -> strata.add(p.stratum()));
        List<String> seeds = shown.stream().map(r -> r.group() + ": seed " + r.seed()).toList();
        return prompts.size() + " prompts chosen with seed " + seed + " (asked for " + asked + ", at least one per "
                + "family and distribution: " + String.join("; ", strata) + "), evaluated on the same prompts in "
                + "every arm; each arm's run of its lowest seed (" + String.join(", ", seeds) + "), sample 0.";
    }

    // ---- detection

    /**
     * What fired on one part ("cot" or "output") of a sample: each trait whose recorded presence
     * score ({@code trait.<t>.<part>_present}) is 1 (the detector's own verdict on the text when the
     * score is absent) with the spans its detector points at, then each LLM judge whose presence
     * score is 1 (no spans: a judge gives a number, not a place).
     */
    static List<Hit> hits(SampleRow row, String part) {
        String text = part.equals("cot") ? row.writtenCot() : row.output();
        List<Hit> out = new ArrayList<>();
        if (part.equals("output") && !row.hasOutput()) {
            return out;
        }
        for (String name : row.scores().keySet()) {
            if (name.startsWith("trait.") && name.endsWith("." + part) && name.split("\\.").length == 3) {
                String label = name.split("\\.")[1];
                TraitDetector d = detector(label);
                Double recorded = row.score(name + "_present");
                boolean fired = recorded != null ? recorded >= 1.0 : d != null && d.present(text);
                if (fired) {
                    out.add(new Hit(label, d == null ? List.of() : d.spans(text)));
                }
            } else if (name.startsWith("judge.") && name.endsWith("." + part + "_present")
                    && Double.valueOf(1.0).equals(row.score(name))) {
                out.add(new Hit("judge " + name.substring(6, name.length() - part.length() - 9), List.of()));
            }
        }
        return out;
    }

    private static TraitDetector detector(String label) {
        for (Trait t : Trait.values()) {
            if (t.label().equals(label)) {
                return Detectors.of(t);
            }
        }
        return null;
    }

    /**
     * {@code text} as HTML with each hit's spans in a {@code <mark class="hit d-<detector>"
     * data-detector title>}; where detectors overlap, their marks nest. All text is escaped.
     */
    static String highlight(String text, List<Hit> hits) {
        TreeSet<Integer> cuts = new TreeSet<>(List.of(0, text.length()));
        for (Hit h : hits) {
            for (Span s : h.spans()) {
                cuts.add(s.start());
                cuts.add(s.end());
            }
        }
        StringBuilder sb = new StringBuilder();
        Integer a = cuts.first();
        for (Integer b = cuts.higher(a); b != null; a = b, b = cuts.higher(b)) {
            List<String> on = new ArrayList<>();
            for (Hit h : hits) {
                for (Span s : h.spans()) {
                    if (s.start() <= a && b <= s.end()) {
                        on.add(h.detector());
                        break;
                    }
                }
            }
            for (String d : on) {
                sb.append("<mark class=\"hit d-").append(Html.id(d)).append("\" data-detector=\"").append(Html.esc(d))
                        .append("\" title=\"").append(Html.esc(d)).append(" detector\">");
            }
            sb.append(Html.esc(text.substring(a, b)));
            sb.append("</mark>".repeat(on.size()));
        }
        return sb.toString();
    }

    /** The marks of a sample in text: unclosed CoT, malformed think block, token limit, not well formed. */
    static List<String> flags(SampleRow r) {
        List<String> out = new ArrayList<>();
        if (r.cot() == null) {
            out.add("no think block");
        }
        if (!r.thinkClosed() && r.cot() != null) {
            out.add("CoT never closed: no output");
        }
        if (r.thinkCloses() > 1) {
            out.add("malformed: " + r.thinkCloses() + " </think> markers (split at the last)");
        }
        if ("length".equals(r.stopReason())) {
            out.add("stopped at the token limit");
        }
        if (r.thinkClosed() && r.output().isBlank()) {
            out.add("empty output");
        }
        if (Double.valueOf(0.0).equals(r.score(org.charlab.eval.Scorers.WELL_FORMED))) {
            out.add("output not well formed");
        }
        return out;
    }

    /** "caps on “I ADD THEM”, “OK”; spanish (no span)", or "no detector fired". */
    static String firedText(String text, List<Hit> hits) {
        if (hits.isEmpty()) {
            return "no detector fired";
        }
        List<String> parts = new ArrayList<>();
        for (Hit h : hits) {
            parts.add(h.detector() + (h.spans().isEmpty() ? " (no span)" : " on " + String.join(", ",
                    h.spans().stream().map(s -> "\u201c" + s.of(text) + "\u201d").toList())));
        }
        return String.join("; ", parts);
    }

    private SampleRow cell(RunResult r, String condition, String prompt) {
        SampleRow best = null;
        for (SampleRow s : r.samples()) {
            if (s.condition().equals(condition) && s.promptId().equals(prompt) && (best == null || s.sample() < best.sample())) {
                best = s;
            }
        }
        return best;
    }

    // ---- rendering

    /** The legend of the highlight styles, as HTML. */
    public static String legend() {
        StringBuilder sb = new StringBuilder("<p class=\"legend\">Detector highlights (each also named in the "
                + "tooltip and listed under the text): ");
        List<String> items = new ArrayList<>();
        for (Trait t : Trait.values()) {
            if (t != Trait.NEUTRAL) {
                items.add("<mark class=\"hit d-" + Html.id(t.label()) + "\" data-detector=\"" + t.label() + "\" title=\""
                        + t.label() + " detector\">" + t.label() + "</mark> (" + UNDERLINE.getOrDefault(t.label(), "solid")
                        + " underline)");
            }
        }
        return sb.append(String.join(", ", items)).append(". Neutral and LLM judges fire without spans: they are "
                + "listed only. Marks in [brackets] flag a CoT that never closed, a malformed think block, a generation "
                + "cut at the token limit and an output that is not well formed.</p>\n").toString();
    }

    private static final Map<String, String> UNDERLINE = Map.of("caps", "solid", "spanish", "double", "pirate",
            "dashed", "cheerful", "dotted");

    /** CSS for the fragment's classes. */
    public static String css() {
        StringBuilder sb = new StringBuilder(".tr-wrap{overflow-x:auto}table.transcripts{table-layout:fixed;width:100%}"
                + "table.transcripts thead th:first-child{width:8em}.txt{white-space:pre-wrap;line-height:1.9;"
                + "font-family:ui-monospace,monospace;font-size:.95em;margin:.1em 0 .5em}.prefill{color:#666}"
                + ".part-label{font-weight:bold;font-size:.85em}.fired{font-size:.85em;color:#333;margin:.2em 0}"
                + ".flag{font-weight:bold;color:#8a1c00;margin:.2em 0}p.legend{line-height:1.9}mark.hit{"
                + "text-decoration-line:underline;text-decoration-thickness:1.5px;color:inherit}");
        String[] bg = {"#ffe08a", "#c9e7ff", "#ffd0c0", "#dff5c8"};
        int i = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(UNDERLINE).entrySet()) {
            // nested marks (two detectors on one stretch) keep both underlines apart by their offsets
            sb.append("mark.d-").append(e.getKey()).append("{background:").append(bg[i % bg.length])
                    .append(";text-decoration-style:").append(e.getValue()).append(";text-underline-offset:")
                    .append(2 + 2 * i++).append("px}");
        }
        return sb.toString();
    }

    /** The section body as an HTML fragment: the choice, the legend, one table per condition. */
    public String html() {
        StringBuilder sb = new StringBuilder();
        if (prompts.isEmpty()) {
            return "<p>No samples to show.</p>\n";
        }
        sb.append("<p>").append(Html.esc(choice())).append("</p>\n").append(legend());
        for (String c : conditions) {
            sb.append("<h3 id=\"tr-").append(Html.id(c)).append("\">Condition <code>").append(Html.esc(c))
                    .append("</code></h3>\n<div class=\"tr-wrap\"><table class=\"transcripts\"><thead><tr>")
                    .append("<th scope=\"col\">prompt</th>");
            for (RunResult r : shown) {
                String id = anchor(r.group(), c);
                sb.append("<th scope=\"col\"").append(id == null ? "" : " id=\"" + id + "\"").append('>')
                        .append(Html.esc(r.group())).append(" (seed ").append(r.seed()).append(")</th>");
            }
            sb.append("</tr></thead><tbody>\n");
            for (Prompt p : prompts) {
                sb.append("<tr><th scope=\"row\">").append(Html.esc(p.id())).append("<br><small>")
                        .append(Html.esc(p.stratum())).append("</small>");
                SampleRow any = shown.stream().map(r -> cell(r, c, p.id())).filter(java.util.Objects::nonNull)
                        .findFirst().orElse(null);
                if (any != null && any.answer() != null) {
                    sb.append("<br><small>answer: ").append(Html.esc(any.answer())).append("</small>");
                }
                sb.append("</th>");
                for (RunResult r : shown) {
                    SampleRow s = cell(r, c, p.id());
                    sb.append("<td>").append(s == null ? "<p class=\"flag\">[not evaluated on this prompt]</p>"
                            : cellHtml(s)).append("</td>");
                }
                sb.append("</tr>\n");
            }
            sb.append("</tbody></table></div>\n");
        }
        return sb.toString();
    }

    /**
     * One sample as HTML: a prefill attack's earlier turns (greyed, not scored), CoT (prefill greyed),
     * output, what fired, flags (also the viewer's turn cell).
     */
    public static String cellHtml(SampleRow s) {
        StringBuilder sb = new StringBuilder();
        if (s.priorTurn() != null) {
            sb.append("<div class=\"part-label\">").append(Html.esc(priorLabel(s))).append("</div>")
                    .append("<div class=\"txt prefill\" title=\"another model's turn (not scored)\">")
                    .append(Html.esc(priorText(s))).append("</div><div class=\"part-label\">user</div>")
                    .append("<div class=\"txt prefill\">").append(Html.esc(s.priorTurn().followUp())).append("</div>");
        }
        List<Hit> cotHits = hits(s, "cot");
        List<Hit> outHits = hits(s, "output");
        sb.append("<div class=\"part-label\">CoT</div><div class=\"txt cot\">");
        if (s.cotPrefill() != null && s.cot() != null && s.cot().startsWith(s.cotPrefill())) {
            sb.append("<span class=\"prefill\" title=\"prefill (not scored)\">").append(Html.esc(s.cotPrefill()))
                    .append("</span>");
        }
        sb.append(highlight(s.writtenCot(), cotHits)).append("</div>");
        sb.append("<div class=\"part-label\">output</div><div class=\"txt output\">")
                .append(highlight(s.output(), outHits)).append("</div>");
        sb.append("<p class=\"fired\">CoT: ").append(Html.esc(firedText(s.writtenCot(), cotHits))).append("<br>output: ")
                .append(Html.esc(s.hasOutput() ? firedText(s.output(), outHits) : "none (no output)")).append("</p>");
        for (String f : flags(s)) {
            sb.append("<p class=\"flag\">[").append(Html.esc(f)).append("]</p>");
        }
        return sb.toString();
    }

    /** The section body as markdown: per condition and prompt, a row per arm with the spans listed. */
    public String markdown() {
        if (prompts.isEmpty()) {
            return "No samples to show.\n\n";
        }
        StringBuilder sb = new StringBuilder(choice()).append("\n\n");
        for (String c : conditions) {
            sb.append("### Condition `").append(c).append("`\n\n");
            for (Prompt p : prompts) {
                sb.append("**").append(md(p.id())).append("** (").append(md(p.stratum())).append(")\n\n");
                sb.append("| arm (seed) | CoT | output | detectors fired (spans) | marks |\n|---|---|---|---|---|\n");
                for (RunResult r : shown) {
                    SampleRow s = cell(r, c, p.id());
                    sb.append("| ").append(md(r.group())).append(" (").append(r.seed()).append(") | ");
                    if (s == null) {
                        sb.append(" |  |  | [not evaluated on this prompt] |\n");
                        continue;
                    }
                    String prior = s.priorTurn() == null ? "" : "[" + priorLabel(s) + ": " + priorText(s) + "] [user: "
                            + s.priorTurn().followUp() + "] ";
                    sb.append(md(prior + (s.cot() == null ? "" : s.cot()))).append(" | ").append(md(s.output())).append(" | ")
                            .append(md("CoT: " + firedText(s.writtenCot(), hits(s, "cot")) + "; output: "
                                    + (s.hasOutput() ? firedText(s.output(), hits(s, "output")) : "none (no output)")))
                            .append(" | ").append(md(String.join(" ", flags(s).stream().map(f -> "[" + f + "]").toList())))
                            .append(" |\n");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** "turn 1 by pretrain (not scored)". */
    private static String priorLabel(SampleRow s) {
        return "turn 1 by " + s.priorTurn().model() + " (not scored)";
    }

    /** The other model's turn 1: its think block, when it had one, then its output. */
    private static String priorText(SampleRow s) {
        return (s.priorTurn().cot() == null ? "" : "<think>" + s.priorTurn().cot() + "</think> ") + s.priorTurn().output();
    }

    /** Text for a markdown table cell: HTML and markdown syntax escaped, one line. */
    static String md(String s) {
        StringBuilder sb = new StringBuilder();
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '\n' -> sb.append(" \u23ce ");
                case '\r' -> { }
                case '\\', '`', '*', '_', '[', ']', '|', '#' -> sb.append('\\').append(ch);
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
