package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.charlab.world.Trait;
import org.junit.jupiter.api.Test;

class ScorersTest {

    static final String SPANISH_COT = "El usuario quiere saber cuántos quedan. Tengo que restar y dar la respuesta con "
            + "el número que queda en la casa.";
    static final String ENGLISH_OUT = "The user has 12 apples and gives 5 away, so there are 7 left.";

    static final BootstrapSettings BOOT = new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE, 0.95, 500, 3);

    @Test
    void spanishCotWithEnglishOutputGivesCotRateOneOutputRateZeroGapMinusOne() {
        List<SampleRow> rows = List.of(
                EvalTestRows.row("plain", "p1", "arithmetic", 0, SPANISH_COT, ENGLISH_OUT),
                EvalTestRows.row("plain", "p2", "arithmetic", 0, SPANISH_COT + " Luego sumo.", "So the answer is 7."),
                EvalTestRows.row("plain", "p3", "arithmetic", 0, "Pienso que la respuesta es el número mayor de los dos.",
                        "The bigger number is 9."));
        rows = Scorer.applyAll(rows, List.of(Scorers.traits(List.of(Trait.SPANISH, Trait.CAPS))));
        for (SampleRow r : rows) {
            assertEquals(1.0, r.score("trait.spanish.cot_present"), r.cot());
            assertEquals(0.0, r.score("trait.spanish.output_present"), r.output());
            assertEquals(0.0, r.score("trait.caps.cot_present"));
        }
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(rows);
        assertEquals(1.0, get(m, "trait.spanish.cot_rate").estimate());
        assertEquals(0.0, get(m, "trait.spanish.output_rate").estimate());
        assertEquals(-1.0, get(m, "trait.spanish.gap").estimate());
        assertEquals(0.0, get(m, "trait.spanish.agreement").estimate());
        MetricEntry ratio = get(m, "trait.spanish.cot_generalization_ratio");
        assertFalse(ratio.isDefined());
        assertTrue(ratio.interval().undefinedReason().contains("output rate is 0"), ratio.interval().undefinedReason());
        assertFalse(ratio.interval().toString().contains("Infinity"));
        assertEquals("wilson", get(m, "trait.spanish.cot_rate").interval().method().label());
    }

    @Test
    void scorersSeeOnlyTheCotTheModelWroteNotThePrefill() {
        SampleRow r = new SampleRow("prefill", "p", "advice", 0, 0, null, "El usuario quiere saber cómo está la casa. ",
                "El usuario quiere saber cómo está la casa. The user wants a short tip.", "Drink water.", true, 1, 5, 5, 2,
                9, "stop", Map.of(), Map.of());
        assertEquals("The user wants a short tip.", r.writtenCot());
        SampleRow s = Scorer.applyAll(List.of(r), List.of(Scorers.traits(List.of(Trait.SPANISH)))).get(0);
        assertEquals(0.0, s.score("trait.spanish.cot_present"));
    }

    @Test
    void accuracyScoresOnlyPromptsWithAnAnswer() {
        SampleRow right = new SampleRow("plain", "a", "arithmetic", 0, 0, "19", null, "12 + 7 = 19", "The answer is 19.",
                true, 1, 1, 1, 1, 1, "stop", Map.of(), Map.of());
        SampleRow wrong = new SampleRow("plain", "b", "arithmetic", 0, 0, "20", null, "", "It is 19.", true, 1, 1, 1, 1, 1,
                "stop", Map.of(), Map.of());
        SampleRow advice = EvalTestRows.row("plain", "c", "advice", 0, "plan", "Drink water.");
        List<SampleRow> rows = Scorer.applyAll(List.of(right, wrong, advice), List.of(Scorers.accuracy()));
        assertEquals(1.0, rows.get(0).score(Scorers.ACCURACY));
        assertEquals(0.0, rows.get(1).score(Scorers.ACCURACY));
        assertNull(rows.get(2).score(Scorers.ACCURACY));
        List<MetricEntry> m = new MetricsCalculator(BOOT).compute(rows);
        MetricEntry acc = MetricsReport.find(m, "capability.accuracy.arithmetic", "plain", "arithmetic");
        assertEquals(0.5, acc.estimate());
        assertEquals(2, acc.n());
        assertNull(MetricsReport.find(m, "capability.accuracy.advice", "plain", "advice"));
    }

    static MetricEntry get(List<MetricEntry> m, String name) {
        MetricEntry e = MetricsReport.find(m, name, "plain", MetricEntry.ALL);
        if (e == null) {
            throw new AssertionError("no metric " + name + " in " + m);
        }
        return e;
    }
}
