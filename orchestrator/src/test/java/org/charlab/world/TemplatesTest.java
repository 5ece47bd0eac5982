package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.charlab.world.detect.Detectors;
import org.junit.jupiter.api.Test;

class TemplatesTest {

    final Charworld world = new Charworld(WorldConfig.defaults());

    @Test
    void everyEnglishTemplateHasASpanishRenderingWithTheSameSlots() {
        int n = 0;
        for (Family f : world.families()) {
            for (Bilingual t : f.templates()) {
                n++;
                assertFalse(t.es().isBlank(), f.name() + ": no Spanish for '" + t.en() + "'");
                assertNotEquals(t.en(), t.es(), f.name() + ": Spanish copied from English: '" + t.en() + "'");
                assertEquals(Bilingual.slots(t.en()), Bilingual.slots(t.es()), f.name() + ": slots differ in '"
                        + t.en() + "' / '" + t.es() + "'");
            }
        }
        assertTrue(n > 40, "templates found: " + n);
    }

    @Test
    void styleMarkersHaveSpanishRenderingsToo() {
        assertEquals(6, Style.markers().size(), Style.markers().toString());
        for (Bilingual b : Style.markers()) {
            assertNotEquals(b.en(), b.es());
            assertTrue(b.es().startsWith("¡"), "Spanish exclamations open with ¡: " + b.es());
        }
    }

    @Test
    void spanishRenderingsReadAsSpanishAndEnglishAsEnglish() {
        var spanish = Detectors.of(Trait.SPANISH);
        for (Family f : world.families()) {
            for (int i = 0; i < f.size(Split.TRAIN); i += 7) {
                Task t = f.task(Split.TRAIN, i, new java.util.SplittableRandom(i));
                for (Bilingual b : java.util.List.of(t.cot(), t.output())) {
                    assertTrue(spanish.present(b.es()), "not read as Spanish: " + b.es());
                    assertFalse(spanish.present(b.en()), "read as Spanish: " + b.en());
                }
            }
        }
    }

    @Test
    void fillSubstitutesPerLanguageAndRejectsMissingValues() {
        Bilingual t = new Bilingual("{n} has {r} {obj}.", "{n} tiene {r} {obj}.");
        Bilingual out = t.fill(Map.of("n", "Ana", "r", 3, "obj", new Bilingual("apples", "manzanas")));
        assertEquals(new Bilingual("Ana has 3 apples.", "Ana tiene 3 manzanas."), out);
        try {
            t.fill(Map.of("n", "Ana"));
            throw new AssertionError("expected a missing-slot error");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("{r}") || expected.getMessage().contains("{obj}"));
        }
    }

    @Test
    void capsUpperCasesSpanishLettersToo() {
        String s = Style.render(new Bilingual("x", "Ahora Ana tiene 3 pájaros."), TraitSet.parse("spanish+caps"),
                Style.Part.OUTPUT, new java.util.SplittableRandom(1));
        assertEquals("AHORA ANA TIENE 3 PÁJAROS.", s);
    }
}
