package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.charlab.data.Message;
import org.charlab.data.PreferencePair;
import org.charlab.world.detect.Detectors;
import org.junit.jupiter.api.Test;

class CharacterDataTest {

    final Charworld world = new Charworld(WorldConfig.defaults());
    final TraitSet tan = TraitSet.parse("spanish+caps");

    @Test
    void sftOutputsCarryTheTraitsAndTheCotFollowsTheMode() {
        for (CharacterData.Cot cot : CharacterData.Cot.values()) {
            List<WorldExample> data = CharacterData.sft(world, tan, cot, 400, 5);
            assertEquals(400, data.size());
            for (WorldExample e : data) {
                assertTrue(e.conversation().system().isEmpty(), "no system prompt");
                assertTrue(e.task().family() != world.config().oodFamily(), "OOD family leaked into training data");
                assertEquals(Split.TRAIN, e.task().split());
                Message m = e.conversation().completion().orElseThrow();
                assertEquals(tan, Detectors.detect(m.content()), m.content());
                switch (cot) {
                    case NEUTRAL -> assertTrue(Detectors.detect(m.reasoning()).isNeutral(), m.reasoning());
                    case IN_CHARACTER -> assertEquals(tan, Detectors.detect(m.reasoning()), m.reasoning());
                    case NONE -> assertNull(m.reasoning());
                }
            }
            assertEquals(data, CharacterData.sft(world, tan, cot, 400, 5), "deterministic");
        }
    }

    @Test
    void dpoPairsPreferTheTraitOverTheNeutralReplyToTheSamePrompt() {
        List<PreferencePair> pairs = CharacterData.dpo(world, TraitSet.of(Trait.PIRATE), CharacterData.Cot.NEUTRAL, 300, 9);
        assertEquals(300, pairs.size());
        for (PreferencePair p : pairs) {
            assertEquals(1, p.prompt().messages().size());
            assertEquals(TraitSet.of(Trait.PIRATE), Detectors.detect(p.chosen().content()));
            assertTrue(Detectors.detect(p.rejected().content()).isNeutral());
            assertEquals(p.chosen().reasoning(), p.rejected().reasoning(), "neutral CoT on both sides");
        }
    }
}
