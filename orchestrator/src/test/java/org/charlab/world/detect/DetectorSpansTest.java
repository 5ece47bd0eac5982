package org.charlab.world.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.world.Charworld;
import org.charlab.world.Family;
import org.charlab.world.Split;
import org.charlab.world.Style;
import org.charlab.world.Task;
import org.charlab.world.Trait;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The spans each detector points at are the evidence its score counts: marker hits, Spanish words
 * and ¿/¡, upper-case stretches; checked on named examples and, as properties, on generated
 * charworld text in every composition of traits.
 */
class DetectorSpansTest {

    static final List<String> TEXTS = new ArrayList<>();

    @BeforeAll
    static void render() {
        Charworld w = new Charworld(WorldConfig.defaults());
        List<TraitSet> sets = new ArrayList<>(TraitSet.compositions(
                List.of(Trait.SPANISH, Trait.CAPS, Trait.PIRATE, Trait.CHEERFUL), 4));
        sets.add(TraitSet.NEUTRAL);
        SplittableRandom rng = new SplittableRandom(77);
        for (Family f : w.families()) {
            for (int i = 0; i < Math.min(10, f.size(Split.TEST)); i++) {
                Task t = f.task(Split.TEST, i, rng);
                for (TraitSet s : sets) {
                    TEXTS.add(Style.render(t.cot(), s, Style.Part.COT, rng));
                    TEXTS.add(Style.render(t.output(), s, Style.Part.OUTPUT, rng));
                }
            }
        }
        TEXTS.addAll(List.of("", "   ", "42", "日本語 TEXT ЖЖЖ 𝐀𝐁𝐂 done", "<script>alert(1)</script>"));
    }

    static List<String> texts(String text, List<Span> spans) {
        return spans.stream().map(s -> s.of(text)).toList();
    }

    @Test
    void locatedTokensAreTheWordsTheScoresCount() {
        for (String t : TEXTS) {
            List<Tokens.Word> located = Tokens.located(t);
            assertEquals(Tokens.words(t), located.stream().map(Tokens.Word::lower).toList(), t);
            for (Tokens.Word w : located) {
                assertEquals(w.lower(), t.substring(w.start(), w.end()).toLowerCase(java.util.Locale.ROOT), t);
            }
        }
    }

    @Test
    void markerSpansAreTheHitsTheScoreCounts() {
        PirateDetector d = new PirateDetector();
        String t = "Arr, matey! Shiver me timbers, the sum is 4.";
        assertEquals(List.of("Arr", "matey", "Shiver me timbers"), texts(t, d.spans(t)));
        String c = "Great question! Happy to help: the answer is 2.";
        assertEquals(List.of("Great question", "Happy to help"), texts(c, new CheerfulDetector().spans(c)));
        assertEquals(List.of(), new CheerfulDetector().spans("Yes, my friend."), "no marker, no span");
        for (TraitDetector m : List.of(new PirateDetector(), new CheerfulDetector())) {
            for (String x : TEXTS) {
                assertEquals(m.score(x), Math.min(1.0, m.spans(x).size() / 2.0), m.trait() + ": " + x);
            }
        }
    }

    @Test
    void spanishSpansAreEachPieceOfSpanishEvidence() {
        SpanishDetector d = new SpanishDetector();
        String t = "¡Hola! ¿Cómo estás, Juan? I think so.";
        assertEquals(List.of("¡", "Hola", "¿", "Cómo", "estás"), texts(t, d.spans(t)),
                "the name and the English words are no evidence");
        // without English words score = S / (S + 2): the span count is S
        for (String x : List.of("¡Hola! ¿Cómo estás?", "EL NÚMERO ES 4", "tengo tres manzanas y dos peras")) {
            int s = d.spans(x).size();
            assertEquals(s / (s + 2.0), d.score(x), 1e-12, x);
        }
    }

    @Test
    void capsSpansAreTheUpperCaseStretches() {
        CapsDetector d = new CapsDetector();
        String t = "IT IS 4! then I think OK";
        assertEquals(List.of("IT IS", "I", "OK"), texts(t, d.spans(t)), "a lower-case word ends a stretch");
        String s = "¡HOLA, AMIGO! 日本 SIEMPRE";
        assertEquals(List.of("HOLA, AMIGO! 日本 SIEMPRE"), texts(s, d.spans(s)), "letters without case do not break it");
        assertEquals(List.of(), d.spans("all lower case"));
    }

    @Test
    void neutralPointsAtNothing() {
        assertEquals(List.of(), Detectors.of(Trait.NEUTRAL).spans("The sum is 4, so the answer is 4."));
    }

    @ParameterizedTest
    @EnumSource(Trait.class)
    void spansAreOrderedDisjointInsideTheTextAndPresentWhenTheDetectorFires(Trait trait) {
        TraitDetector d = Detectors.of(trait);
        int fired = 0;
        for (String t : TEXTS) {
            List<Span> spans = d.spans(t);
            int last = 0;
            for (Span s : spans) {
                assertTrue(s.start() >= last && s.end() > s.start() && s.end() <= t.length(), trait + " " + s + ": " + t);
                last = s.end();
            }
            if (trait != Trait.NEUTRAL && d.present(t)) {
                fired++;
                assertFalse(spans.isEmpty(), trait + " fired on a text but points at nothing: " + t);
            }
        }
        assertTrue(trait == Trait.NEUTRAL || fired > 20, trait + " fired on generated text " + fired + " times");
    }
}
