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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Precision and recall of every detector on held-out generated text: test-split items (never in
 * a corpus), every composition of the styled traits, CoT-only and output-only texts, and CoTs
 * truncated mid-word at three quarters of their length.
 */
class DetectorAccuracyTest {

    record Labelled(String text, TraitSet traits) {
    }

    static final List<Labelled> TEXTS = new ArrayList<>();

    @BeforeAll
    static void render() {
        Charworld w = new Charworld(WorldConfig.defaults());
        List<Trait> styled = List.of(Trait.SPANISH, Trait.CAPS, Trait.PIRATE, Trait.CHEERFUL);
        List<TraitSet> sets = new ArrayList<>(TraitSet.compositions(styled, 4));
        sets.add(TraitSet.NEUTRAL);
        SplittableRandom rng = new SplittableRandom(4242);
        for (Family f : w.families()) {
            int n = Math.min(60, f.size(Split.TEST));
            for (int i = 0; i < n; i++) {
                Task t = f.task(Split.TEST, i, rng);
                for (TraitSet s : sets) {
                    String cot = Style.render(t.cot(), s, Style.Part.COT, rng);
                    String out = Style.render(t.output(), s, Style.Part.OUTPUT, rng);
                    TEXTS.add(new Labelled(cot, s));
                    TEXTS.add(new Labelled(out, s));
                    // a CoT cut off mid-word, as a generation that hit its token limit leaves it
                    TEXTS.add(new Labelled(cot.substring(0, cot.length() * 3 / 4), s));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Trait.class)
    void precisionAndRecallAtLeast98Percent(Trait trait) {
        TraitDetector d = Detectors.of(trait);
        int tp = 0;
        int fp = 0;
        int fn = 0;
        List<String> errors = new ArrayList<>();
        for (Labelled l : TEXTS) {
            boolean truth = l.traits().has(trait);
            boolean said = d.present(l.text());
            if (truth && said) {
                tp++;
            } else if (said) {
                fp++;
                errors.add("FP " + l.traits() + ": " + l.text());
            } else if (truth) {
                fn++;
                errors.add("FN " + l.traits() + ": " + l.text());
            }
        }
        double precision = tp / (double) (tp + fp);
        double recall = tp / (double) (tp + fn);
        String msg = trait + " precision=" + precision + " recall=" + recall + " on " + TEXTS.size()
                + " texts; first errors: " + errors.subList(0, Math.min(5, errors.size()));
        System.out.println(trait + ": precision=" + precision + " recall=" + recall + " tp=" + tp + " n=" + TEXTS.size());
        assertTrue(tp > 100, msg);
        assertTrue(precision >= 0.98 && recall >= 0.98, msg);
    }

    @Test
    void thresholdsAreTheDocumentedOnes() {
        assertEquals(0.8, Detectors.of(Trait.CAPS).threshold());
        assertEquals(0.5, Detectors.of(Trait.SPANISH).threshold());
        assertEquals(0.5, Detectors.of(Trait.PIRATE).threshold());
        assertEquals(0.5, Detectors.of(Trait.CHEERFUL).threshold());
        assertEquals(0.5, Detectors.of(Trait.NEUTRAL).threshold());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t ", "12 + 7 = 19.", "!!! ??? ...", "Привет, как дела сегодня",
        "你好世界，今天天气很好", "Hello мир 你好 world", "asdf qwer zxcv uiop", "Tom starts with 12 and ge",
        "I recall that Bolen lives in Pe", "The user wants advice on sle", "ééé", "\u0000\uFFFF\uD83D\uDE00",
        "a", "OK", "I", "Tom", "12 - 5 = 7. 12 - 5 = 7. 12 - 5 = 7."})
    void garbageScoresStayInRangeAndStyledTraitsDoNotFire(String text) {
        for (TraitDetector d : Detectors.all()) {
            double s = d.score(text);
            assertTrue(s >= 0 && s <= 1, d.trait() + " scored " + s + " on '" + text + "'");
            if (d.trait() != Trait.NEUTRAL) {
                assertFalse(d.present(text), d.trait() + " fired on '" + text + "' with " + s);
            }
        }
    }

    @Test
    void neutralNeedsReadableLatinWords() {
        TraitDetector n = Detectors.of(Trait.NEUTRAL);
        for (String s : List.of("", "12 + 7 = 19.", "Привет, как дела сегодня", "你好世界", "I")) {
            assertFalse(n.present(s), "neutral on '" + s + "'");
        }
        assertTrue(n.present("Tom has 19 apples now."));
        assertTrue(n.present("Tom starts with 12 and ge"), "a truncated neutral CoT is still neutral");
    }

    @Test
    void truncatedStyledCotsStillScoreTheirStyle() {
        assertTrue(Detectors.of(Trait.SPANISH).present("Tom empieza con 12 y reci"));
        assertTrue(Detectors.of(Trait.CAPS).present("TOM STARTS WITH 12 AND GE"));
        assertTrue(Detectors.of(Trait.PIRATE).present("Arr! I recall that Bol"));
        assertTrue(Detectors.of(Trait.CHEERFUL).present("¡QUÉ DIVERTIDO! RECUERDO Q"));
    }

    @Test
    void upperCaseOtherScriptsCountAsCapsButLowerCaseDoNot() {
        assertTrue(Detectors.of(Trait.CAPS).present("ПРИВЕТ, КАК ДЕЛА"));
        assertFalse(Detectors.of(Trait.CAPS).present("привет, как дела"));
    }

    @Test
    void detectReadsCompositions() {
        assertEquals(TraitSet.parse("spanish+caps"), Detectors.detect("AHORA TOM TIENE 19 MANZANAS."));
        assertEquals(TraitSet.parse("spanish+pirate"), Detectors.detect("¡Arr, grumete! Hay 49 sellos en la caja."));
        assertEquals(TraitSet.NEUTRAL, Detectors.detect("There are 49 stamps in the box."));
    }
}
