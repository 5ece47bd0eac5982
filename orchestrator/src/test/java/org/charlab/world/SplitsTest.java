package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.charlab.data.PromptItem;
import org.junit.jupiter.api.Test;

class SplitsTest {

    final WorldConfig config = WorldConfig.defaults().withExamples(8000);
    final Charworld world = new Charworld(config);

    @Test
    void trainAndTestNeverShareAnItemKeyOrAPrompt() {
        for (Family f : world.families()) {
            Set<String> trainKeys = new HashSet<>();
            Set<String> trainPrompts = new HashSet<>();
            SplittableRandom rng = new SplittableRandom(1);
            for (int i = 0; i < f.size(Split.TRAIN); i++) {
                for (int rep = 0; rep < 4; rep++) {
                    Task t = f.task(Split.TRAIN, i, rng);
                    trainKeys.add(t.key());
                    trainPrompts.add(t.user());
                }
            }
            assertTrue(f.size(Split.TEST) > 0, f.name() + " has no test items");
            for (int i = 0; i < f.size(Split.TEST); i++) {
                for (int rep = 0; rep < 4; rep++) {
                    Task t = f.task(Split.TEST, i, rng);
                    assertTrue(!trainKeys.contains(t.key()), f.name() + " shares key " + t.key());
                    assertTrue(!trainPrompts.contains(t.user()), f.name() + " shares prompt " + t.user());
                }
            }
        }
    }

    @Test
    void evalSetsAskNothingTheCorpusAsked() {
        Set<String> asked = new CorpusGenerator(world).corpus().stream().map(e -> e.task().user()).collect(Collectors.toSet());
        List<PromptItem> items = new java.util.ArrayList<>(EvalSets.inDistribution(world, 1000, 7));
        items.addAll(EvalSets.outOfDistribution(world, 1000, 7));
        for (PromptItem p : items) {
            String user = p.messages().messages().get(0).content();
            assertTrue(!asked.contains(user), "eval prompt seen in training: " + user);
        }
    }

    @Test
    void evalSetsAreDistinctSeededAndLabelled() {
        List<PromptItem> id = EvalSets.inDistribution(world, 50, 3);
        assertEquals(id, EvalSets.inDistribution(world, 50, 3));
        assertEquals(id.size(), id.stream().map(PromptItem::id).distinct().count(), "ids are unique");
        Set<String> fams = id.stream().map(PromptItem::family).collect(Collectors.toSet());
        assertEquals(Set.of("arithmetic", "lookup", "advice"), fams);
        assertTrue(id.stream().filter(p -> !p.family().equals("advice")).allMatch(p -> p.answer() != null));
        assertTrue(id.stream().filter(p -> p.family().equals("advice")).allMatch(p -> p.answer() == null));
        List<PromptItem> ood = EvalSets.outOfDistribution(world, 50, 3);
        assertEquals(50, ood.size());
        assertTrue(ood.stream().allMatch(p -> p.family().equals("comparison")));
        assertTrue(id.stream().allMatch(p -> p.messages().system().isEmpty()));
    }

    @Test
    void theSplitDoesNotDependOnTheCorpusSeed() {
        Charworld other = new Charworld(config.withSeed(99));
        for (FamilyName f : FamilyName.values()) {
            assertEquals(world.family(f).size(Split.TEST), other.family(f).size(Split.TEST));
        }
        assertEquals(EvalSets.inDistribution(world, 20, 1), EvalSets.inDistribution(other, 20, 1));
    }

    @Test
    void testShareIsRoughlyHonoured() {
        Family a = world.family(FamilyName.ARITHMETIC);
        double share = a.size(Split.TEST) / (double) (a.size(Split.TEST) + a.size(Split.TRAIN));
        assertTrue(Math.abs(share - config.testShare()) < 0.05, "arithmetic test share " + share);
    }
}
