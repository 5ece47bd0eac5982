package org.charlab.world.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.charlab.data.Message;
import org.charlab.world.Charworld;
import org.charlab.world.CorpusGenerator;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;
import org.junit.jupiter.api.Test;

class WellFormedScorerTest {

    final Charworld world = new Charworld(WorldConfig.defaults().withExamples(2000).withSeed(77));
    final WellFormedScorer scorer = new WellFormedScorer(world);

    @Test
    void everyGeneratedCotAndOutputIsWellFormed() {
        for (WorldExample e : new CorpusGenerator(world).corpus()) {
            Message m = e.conversation().completion().orElseThrow();
            assertEquals(1.0, scorer.score(m.content()), m.content());
            assertEquals(1.0, scorer.score(m.reasoning()), m.reasoning());
        }
    }

    @Test
    void garbledTextIsNot() {
        assertFalse(scorer.wellFormed("Tom hsa 19 aples nwo."));
        assertFalse(scorer.wellFormed("xqzt vvv blorp"));
        assertFalse(scorer.wellFormed(""));
        assertFalse(scorer.wellFormed("Привет мир"));
        assertTrue(scorer.wellFormed("AHORA TOM TIENE 19 MANZANAS."));
        double s = scorer.score("Tom hsa 19 aples nwo.");
        assertTrue(s >= 0 && s <= 1);
    }
}
