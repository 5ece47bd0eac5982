package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.charlab.eval.SampleRow;
import org.junit.jupiter.api.Test;

/** The reproducible prompt choice, the detector highlights (escaped), the marks, and the fragments' anchors. */
class TranscriptsTest {

    static final List<String> FAMILIES = List.of("arithmetic", "lookup", "advice", "comparison");

    /** 40 prompts over four families (comparison out of distribution), two conditions, samples 0 and 1. */
    static List<SampleRow> rows(String output) {
        List<SampleRow> out = new ArrayList<>();
        for (String c : List.of("plain", "inoculated")) {
            for (int i = 0; i < 40; i++) {
                String f = FAMILIES.get(i % 4);
                for (int j = 0; j < 2; j++) {
                    String tag = " (" + c + " q" + i + " s" + j + ")";
                    String plain = output.replaceAll("<[a-z/]+>", "");
                    boolean upper = plain.equals(plain.toUpperCase(java.util.Locale.ROOT));
                    out.add(row(c, "q" + i, f, j, "I add them.", output + (upper ? tag.toUpperCase(java.util.Locale.ROOT)
                            : tag), true, 1, f.equals("comparison")));
                }
            }
        }
        return out;
    }

    static SampleRow row(String condition, String prompt, String family, int sample, String cot, String output,
            boolean closed, int closes, Boolean ood) {
        Map<String, Double> s = new LinkedHashMap<>();
        for (String part : List.of("cot", "output")) {
            String text = part.equals("cot") ? cot : output;
            boolean caps = text.replaceAll("<[a-z/]+>", "").equals(text.replaceAll("<[a-z/]+>", "")
                    .toUpperCase(java.util.Locale.ROOT)) && !text.isBlank();
            s.put("trait.caps." + part, caps ? 1.0 : 0.0);
            s.put("trait.caps." + part + "_present", caps ? 1.0 : 0.0);
        }
        return new SampleRow(condition, prompt, family, sample, 1, "7", null, cot, output, closed, closes, 5, 3, 4, 9,
                closed ? "stop" : "length", s, Map.of(), ood);
    }

    static RunResult run(String arm, long seed, List<SampleRow> rows) {
        return new RunResult("study", "sw", Path.of("."), arm + "-s" + seed, arm, seed, Map.of(), "ev", List.of(), rows);
    }

    @Test
    void theChoiceIsReproducibleCoversEveryFamilyAndDistributionAndDependsOnTheSeed() {
        List<RunResult> runs = List.of(run("a", 0, rows("x")), run("b", 0, rows("y")));
        List<Transcripts.Prompt> p = Transcripts.choose(runs, 0, 6);
        assertEquals(6, p.size());
        Set<String> strata = new TreeSet<>();
        p.forEach(x -> strata.add(x.stratum()));
        assertEquals(Set.of("advice, in distribution", "arithmetic, in distribution", "comparison, out of distribution",
                "lookup, in distribution"), strata);
        // the same samples in another order, the runs in another order: the same choice
        List<SampleRow> shuffled = new ArrayList<>(rows("x"));
        Collections.shuffle(shuffled, new java.util.Random(3));
        assertEquals(p, Transcripts.choose(List.of(run("b", 0, rows("y")), run("a", 0, shuffled)), 0, 6));
        assertNotEquals(p, Transcripts.choose(runs, 1, 6), "another seed, another choice");
        assertEquals(4, Transcripts.choose(runs, 0, 2).size(), "fewer asked than strata: one of each still");
        assertEquals(40, Transcripts.choose(runs, 0, 100).size(), "no more than there are");
    }

    @Test
    void onlyPromptsEveryArmWasEvaluatedOnAreChosen() {
        List<SampleRow> fewer = rows("y").stream().filter(r -> Integer.parseInt(r.promptId().substring(1)) < 8).toList();
        for (Transcripts.Prompt p : Transcripts.choose(List.of(run("a", 0, rows("x")), run("b", 0, fewer)), 5, 6)) {
            assertTrue(Integer.parseInt(p.id().substring(1)) < 8, p.toString());
        }
    }

    @Test
    void modelTextIsEscapedAndTheSpansAreMarked() {
        SampleRow r = row("plain", "q1", "lookup", 0, "<b>I</b> think", "<script>alert('x')</script> & SO IT IS 7",
                true, 1, false);
        // recorded as caps-present for the test, whatever the text says
        r = r.withScores(Map.of("trait.caps.output_present", 1.0), Map.of());
        String html = Transcripts.cellHtml(r);
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("<b>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "), html);
        List<String> marked = marks(html, "caps");
        assertEquals(List.of("SO IT IS"), marked, "the caps stretch (words only), not the lower-case tag names");
        assertTrue(html.contains("output: caps on \u201cSO IT IS\u201d"), "the hit is listed in words too: " + html);
        assertTrue(html.contains("CoT: no detector fired"), html);
    }

    @Test
    void aDetectorThatDidNotFireMarksNothingEvenWhereItHasEvidence() {
        SampleRow r = row("plain", "q1", "lookup", 0, "I add them.", "It is OK.", true, 1, false);
        assertEquals(List.of(), marks(Transcripts.cellHtml(r), "caps"), "caps did not fire: 'I' and 'OK' stay plain");
    }

    @Test
    void overlappingDetectorsNest() {
        SampleRow r = new SampleRow("plain", "q1", "advice", 0, 1, null, null, "x", "¡HOLA, AMIGO! YO TENGO DOS.",
                true, 1, 1, 1, 1, 1, "stop", Map.of("trait.caps.output", 1.0, "trait.spanish.output", 0.7), Map.of());
        String html = Transcripts.cellHtml(r);
        assertEquals("HOLA, AMIGO! YO TENGO DOS", String.join("", marks(html, "caps")), "split where spanish nests");
        assertEquals(List.of("¡", "HOLA", "TENGO"), marks(html, "spanish"),
                "no recorded presence: the detector's own verdict on the text");
    }

    @Test
    void unclosedAndMalformedSamplesAreMarkedInText() {
        SampleRow unclosed = row("plain", "q1", "lookup", 0, "I add and add", "", false, 0, false);
        String html = Transcripts.cellHtml(unclosed);
        assertTrue(html.contains("[CoT never closed: no output]"), html);
        assertTrue(html.contains("[stopped at the token limit]"), html);
        assertTrue(html.contains("output: none (no output)"), html);
        String twice = Transcripts.cellHtml(row("plain", "q1", "lookup", 0, "a", "b", true, 2, false));
        assertTrue(twice.contains("[malformed: 2 &lt;/think&gt; markers (split at the last)]"), twice);
    }

    @Test
    void theFragmentsAnchorEachArmAndConditionAndTheMarkdownListsTheSpansEscaped() {
        List<SampleRow> a = new ArrayList<>(rows("ALL CAPS <script>"));
        Transcripts t = new Transcripts(List.of(run("a", 1, a), run("a", 0, rows("ALL CAPS <script>")),
                run("b", 0, rows("quiet | pipe"))), 0, 4);
        String html = t.html();
        for (String arm : List.of("a", "b")) {
            for (String c : List.of("plain", "inoculated")) {
                String id = t.anchor(arm, c);
                assertTrue(html.contains(" id=\"" + id + "\""), id);
            }
        }
        assertNull(t.anchor("a", "nowhere"));
        assertNull(t.anchor("ghost", "plain"));
        assertTrue(html.contains("a (seed 0)"), "the lowest seed is shown: " + html);
        assertTrue(t.choice().contains("seed 0"), t.choice());
        assertFalse(html.contains("<script>"), html);
        String md = t.markdown();
        assertTrue(md.contains("output: caps on \u201cALL CAPS\u201d"), md);
        assertTrue(md.contains("ALL CAPS &lt;script&gt;"), md);
        assertTrue(md.contains("quiet \\| pipe"), md);
        assertEquals(2 * 4 * 2, md.lines().filter(l -> l.startsWith("| a (0) |") || l.startsWith("| b (0) |")).count(),
                "a row per arm, prompt and condition");
    }

    /** The texts of the marks of one detector, in order. */
    static List<String> marks(String html, String detector) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<mark class=\"hit d-" + detector + "\" data-detector=\"" + detector
                + "\" title=\"" + detector + " detector\">((?:<mark[^>]*>)*)([^<]*)").matcher(html);
        while (m.find()) {
            out.add(m.group(2));
        }
        return out;
    }
}
