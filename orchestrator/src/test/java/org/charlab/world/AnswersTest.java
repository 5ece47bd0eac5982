package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AnswersTest {

    @Test
    void goldOutputsAreCorrectInEveryStyle() {
        Charworld w = new Charworld(WorldConfig.defaults());
        List<TraitSet> sets = new java.util.ArrayList<>(TraitSet.compositions(
                List.of(Trait.SPANISH, Trait.CAPS, Trait.PIRATE, Trait.CHEERFUL), 4));
        sets.add(TraitSet.NEUTRAL);
        SplittableRandom rng = new SplittableRandom(3);
        int checked = 0;
        for (Family f : w.families()) {
            for (int i = 0; i < Math.min(40, f.size(Split.TEST)); i++) {
                Task t = f.task(Split.TEST, i, rng);
                if (t.answer() == null) {
                    continue;
                }
                for (TraitSet s : sets) {
                    String out = Style.render(t.output(), s, Style.Part.OUTPUT, rng);
                    assertTrue(Answers.correct(t.answer(), out), t.answer() + " not found in " + out);
                    checked++;
                }
            }
        }
        assertTrue(checked > 1000);
    }

    @Test
    void wrongAnswersAreWrong() {
        assertFalse(Answers.correct("19", "12 + 7 = 19, so Tom has 18 apples."));
        assertTrue(Answers.correct("19", "Tom has 19 apples now."));
        assertFalse(Answers.correct("blue", "Bolen likes red best."));
        assertTrue(Answers.correct("blue", "A BOLEN LE GUSTA MÁS EL AZUL."));
        assertTrue(Answers.correct("bird", "Bolen tiene un pajaro."), "accents optional");
        assertFalse(Answers.correct("Pell", "Bolen lives in Pellington."), "whole words only");
        assertFalse(Answers.correct("19", ""));
        assertFalse(Answers.correct(null, "19"));
    }
}
