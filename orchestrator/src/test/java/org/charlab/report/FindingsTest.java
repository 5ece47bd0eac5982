package org.charlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.charlab.config.Expectation;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
import org.charlab.stats.PairedDifference;
import org.junit.jupiter.api.Test;

/** The findings table: verdicts first when there are expectations, else the largest differences on a 0-1 scale. */
class FindingsTest {

    static Interval iv(double est) {
        return new Interval(est, est - 0.05, est + 0.05, 0.02, Method.T, 0.95, 0, 0, 40, 40, "test", null);
    }

    static Comparison.Row row(String metric, String group, double delta) {
        return new Comparison.Row(group, metric, "plain", "all", 2, iv(0.5),
                Double.isNaN(delta) ? null : new PairedDifference(iv(delta), 0.01), "");
    }

    @Test
    void theLargestDifferencesOnRatesComeFirstAndOtherScalesAreLeftOut() {
        List<Comparison.Row> rows = new ArrayList<>(List.of(
                row("trait.caps.output_rate", "a", 0.10), row("trait.caps.cot_rate", "a", -0.40),
                row("legibility.odd_words_per_1k", "a", 250), row("trait.caps.gap", "a", 0.9),
                row("capability.accuracy.lookup", "b", 0.20), row("trait.caps.output_rate", "base", Double.NaN),
                row("trait.spanish.output_rate", "b", 0.01), row("quality.well_formed_rate", "b", -0.3),
                row("legibility.unclosed_cot_share", "b", 0.05)));
        Findings f = Findings.ofDifferences(rows, "base", "");
        assertEquals(Findings.LARGEST, f.table().rows().size());
        assertEquals(List.of("trait.caps.cot_rate", "quality.well_formed_rate", "capability.accuracy.lookup",
                "trait.caps.output_rate", "legibility.unclosed_cot_share"),
                f.table().rows().stream().map(r -> r.get(0)).toList(),
                "by |difference|; odd words per 1k and the gap (not a share of samples) left out");
        assertEquals(List.of("a", "b", "b", "a", "b"), f.groups());
        assertTrue(f.table().rows().get(0).get(5).startsWith("-0.400 [-0.450, -0.350]"), f.table().rows().get(0).toString());
        String html = f.html((g, c) -> g.equals("a") ? "tr-" + c + "--" + g : null);
        assertTrue(html.startsWith("<p>No expectations in this study"), html);
        assertTrue(html.contains("<table id=\"findings\">"), html);
        assertTrue(html.contains("<td><a href=\"#tr-plain--a\">a</a></td>"), html);
        assertTrue(!html.contains("href=\"#tr-plain--b\""), "no anchor, no link");
    }

    @Test
    void withoutAnyPairedDifferenceThereIsNoTable() {
        Findings f = Findings.ofDifferences(List.of(row("trait.caps.output_rate", "a", Double.NaN)), "base", "");
        assertNull(f.table());
        assertTrue(f.markdown().startsWith("No paired difference against `base`"), f.markdown());
    }

    @Test
    void expectationsGiveOneRowEachWithVerdictEstimateAndBound() {
        Expectation e = new Expectation("caps goes up", "trait.caps.output_rate", "plain", "all", "high", "low",
                Expectation.Relation.AT_LEAST, 0.3, null, "");
        Expectation g = new Expectation("", "trait.caps.cot_rate", "plain", "all", "ghost", null,
                Expectation.Relation.AT_MOST, 0.1, null, "");
        Findings f = Findings.ofExpectations(List.of(
                new ExpectationRegion(e, List.of(new ExpectationCheck(e, iv(0.4), Verdict.REPRODUCED, ""))),
                new ExpectationRegion(g, List.of(new ExpectationCheck(g, null, Verdict.NOT_MEASURED,
                        "no evaluated run of arm 'ghost'")))));
        assertEquals(List.of("reproduced", "caps goes up", "high - low", "trait.caps.output_rate (plain, all)",
                "0.400 [0.350, 0.450]", ">= 0.3"), f.table().rows().get(0));
        assertEquals(List.of("not measured", "trait.caps.cot_rate", "ghost", "trait.caps.cot_rate (plain, all)",
                "no evaluated run of arm 'ghost'", "<= 0.1"), f.table().rows().get(1));
        assertTrue(f.markdown().contains("| verdict | claim |"), f.markdown());
    }
}
