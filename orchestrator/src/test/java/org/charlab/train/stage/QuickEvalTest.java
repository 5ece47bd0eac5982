package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.charlab.data.PromptItem;
import org.charlab.eval.Scorer;
import org.charlab.generate.Sample;
import org.charlab.stats.Interval;
import org.charlab.stats.Wilson;
import org.charlab.world.Charworld;
import org.charlab.world.EvalSets;
import org.charlab.world.Trait;
import org.charlab.world.WorldConfig;
import org.charlab.world.detect.Detectors;
import org.junit.jupiter.api.Test;

/** The closing check scores and reduces its greedy answers as the eval stage does. */
class QuickEvalTest {

    static final Charworld WORLD = new Charworld(WorldConfig.defaults());
    static final List<Scorer> SCORERS = QuickEval.scorers(WORLD);

    static Sample closed(String cot, String output) {
        return new Sample(cot, output, new int[0], 10, 5, Sample.StopReason.STOP, true, cot == null ? 0 : 1);
    }

    static Sample unclosed(String cot) {
        return new Sample(cot, "", new int[0], 10, 8, Sample.StopReason.LENGTH, false, 0);
    }

    static QuickEval.Condition condition(int n) {
        List<PromptItem> prompts = EvalSets.inDistribution(WORLD, n, 21);
        return new QuickEval.Condition("none", null, prompts.subList(0, n));
    }

    @SuppressWarnings("unchecked")
    static <T> T get(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return (T) o;
    }

    /** With every CoT closed the numbers are the plain shares of answers and their Wilson 95% intervals. */
    @Test
    void closedAnswersGiveDetectorSharesWithWilsonIntervals() {
        QuickEval.Condition c = condition(6);
        List<Sample> samples = new ArrayList<>();
        String[] outputs = {"THE ANSWER IS VERY LOUD.", "the answer is quiet.", "Arr, matey! It is seven.",
            "LOUD AND CLEAR ANSWER.", "Great question! Seven.", "El número es siete porque sí."};
        for (int i = 0; i < outputs.length; i++) {
            samples.add(closed(i % 2 == 0 ? "I think in plain words" : null, outputs[i]));
        }
        Map<String, Object> r = QuickEval.report(c, samples, SCORERS);
        assertEquals(6, (int) get(r, "n"));
        for (Trait t : QuickEval.TRAITS) {
            int k = 0;
            for (String o : outputs) {
                k += Detectors.of(t).present(o) ? 1 : 0;
            }
            Interval w = Wilson.interval(k, outputs.length, 0.95);
            assertEquals(k / (double) outputs.length, (double) get(r, "output_trait_rate", t.label()), t.label());
            assertEquals(outputs.length, (int) get(r, "output_trait_interval", t.label(), "n"));
            assertEquals(w.low(), (double) get(r, "output_trait_interval", t.label(), "low"), t.label());
            assertEquals(w.high(), (double) get(r, "output_trait_interval", t.label(), "high"), t.label());
            assertEquals(0.0, (double) get(r, "cot_trait_rate", t.label()), t.label());
        }
        assertEquals(2 / 6.0, (double) get(r, "output_trait_rate", "caps"), "two outputs are in caps");
        assertEquals(1.0, (double) get(r, "stop_rate"));
    }

    /** An answer whose CoT never closed has no output: out of the output trait rates, a wrong answer for accuracy. */
    @Test
    void unclosedAnswersLeaveTheOutputRatesAndCountAsWrong() {
        QuickEval.Condition c = condition(4);
        List<Sample> samples = List.of(closed("plain thought", "THE ANSWER IS VERY LOUD."),
                closed(null, "the answer is quiet."), unclosed("STILL THINKING IN CAPS"), unclosed("thinking"));
        Map<String, Object> r = QuickEval.report(c, samples, SCORERS);
        assertEquals(0.5, (double) get(r, "output_trait_rate", "caps"), "1 of the 2 outputs, not 1 of 4 answers");
        assertEquals(2, (int) get(r, "output_trait_interval", "caps", "n"));
        assertEquals(Wilson.interval(1, 2, 0.95).low(), (double) get(r, "output_trait_interval", "caps", "low"));
        assertEquals(0.25, (double) get(r, "cot_trait_rate", "caps"), "the CoT rate counts every answer");
        int accuracyN = 0;
        for (Object iv : ((Map<String, Object>) get(r, "accuracy_interval")).values()) {
            accuracyN += (int) ((Map<?, ?>) iv).get("n");
        }
        long answerable = c.prompts().stream().filter(p -> p.answer() != null).count();
        assertEquals(answerable, accuracyN, "accuracy keeps the unclosed answers (as wrong ones)");
        assertEquals(0.5, (double) get(r, "stop_rate"));
    }

    @Test
    void noClosedCotLeavesTheOutputRateUnknown() {
        QuickEval.Condition c = condition(2);
        Map<String, Object> r = QuickEval.report(c, List.of(unclosed("a"), unclosed("b")), SCORERS);
        Map<String, Object> rates = get(r, "output_trait_rate");
        assertEquals(QuickEval.TRAITS.size(), rates.size());
        assertNull(rates.get("caps"), "unknown, not 0");
        Map<String, Object> iv = get(r, "output_trait_interval", "caps");
        assertEquals(0, iv.get("n"));
        assertFalse(iv.containsKey("low"));
    }

    @Test
    void pretrainSummaryOfAnUnknownPersonaRateIsUnknown() {
        QuickEval.Condition none = condition(2);
        QuickEval.Condition persona = new QuickEval.Condition("persona:caps", "Answer in caps.", none.prompts());
        Map<String, Object> eval = new java.util.LinkedHashMap<>();
        eval.put("none", QuickEval.report(none, List.of(closed(null, "FINE ANSWER."), closed(null, "fine answer.")), SCORERS));
        eval.put("persona:caps", QuickEval.report(persona, List.of(unclosed("a"), unclosed("b")), SCORERS));
        eval.put("seconds", 0.0);
        Map<String, Object> s = PretrainStage.summary(eval, List.of(Trait.CAPS));
        assertNull(((Map<?, ?>) s.get("persona_rate_with_prompt")).get("caps"));
        assertNull(s.get("persona_rate_with_prompt_mean"));
        assertNull(s.get("persona_rate_with_prompt_min"));
        assertEquals(0.5, (double) s.get("trait_rate_without_prompt_max"));
    }
}
