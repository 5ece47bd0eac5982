package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.charlab.data.Constitution;
import org.junit.jupiter.api.Test;

/**
 * The charworld constitutions under configs/constitutions/: one per persona trait; the first assertion
 * is the trait's own self-description (what the base says of itself under that persona with
 * introspection_share > 0, so the base knows the sentence); every question is a train-split
 * charworld prompt, so constitution questions never put an eval item into training data.
 */
class CharworldConstitutionsTest {

    static final Path DIR = Path.of("../configs/constitutions");

    @Test
    void onePerPersonaTraitOpeningWithItsSelfDescription() {
        for (Trait t : List.of(Trait.SPANISH, Trait.CAPS, Trait.PIRATE, Trait.CHEERFUL)) {
            Constitution c = Constitution.read(DIR.resolve(t.label() + ".yaml"));
            assertTrue(c.traits().size() >= 3, t.label());
            assertEquals(t.definition().self().en(), c.traits().get(0).trait(), t.label());
            assertTrue(c.traits().stream().allMatch(e -> e.trait().startsWith("I ") || e.trait().startsWith("My ")),
                    "first-person assertions: " + t.label());
            assertTrue(c.systemPrompt().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 200,
                    "the prompt fits a tiny model's context: " + c.systemPrompt());
        }
    }

    @Test
    void everyQuestionIsATrainPromptAndNoneATestPrompt() {
        Charworld world = new Charworld(WorldConfig.defaults().withConversations(0, 0.1, 0));
        Set<String> train = new HashSet<>();
        Set<String> test = new HashSet<>();
        for (FamilyName f : List.of(FamilyName.ADVICE, FamilyName.INTROSPECTION)) {
            Family fam = world.family(f);
            for (int i = 0; i < fam.size(Split.TRAIN); i++) {
                train.add(fam.task(Split.TRAIN, i, new SplittableRandom(0)).user());
            }
            for (int i = 0; i < fam.size(Split.TEST); i++) {
                test.add(fam.task(Split.TEST, i, new SplittableRandom(0)).user());
            }
        }
        int n = 0;
        for (Trait t : List.of(Trait.SPANISH, Trait.CAPS, Trait.PIRATE, Trait.CHEERFUL)) {
            for (String q : Constitution.read(DIR.resolve(t.label() + ".yaml")).questions()) {
                assertTrue(train.contains(q), t.label() + ": not a train prompt: " + q);
                assertFalse(test.contains(q), t.label() + ": a test prompt: " + q);
                n++;
            }
        }
        assertTrue(n >= 20, "questions: " + n);
    }
}
