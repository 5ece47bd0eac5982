package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.charlab.BadInput;
import org.charlab.data.PromptItem;
import org.charlab.data.PreferencePair;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fine-tuning stages' {@code families}: charworld data of those families only, the same data
 * and stage keys as before when unset, and bad families refused with the allowed ones named.
 */
class PromptFamiliesTest {

    static final Charworld WORLD = new Charworld(WorldConfig.defaults());

    static OpdConfig opd(String yaml) {
        return FinetuneConfigTest.bind(OpdConfig.class, yaml);
    }

    static GrpoConfig grpo(String yaml) {
        return FinetuneConfigTest.bind(GrpoConfig.class, yaml);
    }

    static Set<String> familiesOf(List<PromptItem> ps) {
        return ps.stream().map(PromptItem::family).collect(Collectors.toSet());
    }

    @Test
    void unsetGivesThePromptsAndStageKeysOfBefore() throws Exception {
        // the unfiltered list: what opd and grpo drew before the setting existed
        List<PromptItem> before = CharacterData.sft(WORLD, TraitSet.NEUTRAL, CharacterData.Cot.NEUTRAL, 60, 5).stream()
                .map(e -> new PromptItem(e.task().key(), e.conversation().prompt(), e.task().answer(),
                        e.task().family().label())).toList();
        List<PromptItem> unset = OpdStage.prompts(opd("examples: 60\n"), WORLD, 5);
        assertTrue(before.equals(unset), "opd: the unfiltered prompts");
        assertEquals(Set.of("arithmetic", "lookup", "advice"), familiesOf(unset), "control: all in-distribution");
        // every in-distribution family, in any order, is the same draws
        assertTrue(unset.equals(OpdStage.prompts(opd("examples: 60\nfamilies: [advice, lookup, arithmetic]\n"), WORLD,
                5)), "every in-distribution family listed: the same prompts");
        List<PromptItem> grpo = GrpoStage.prompts(grpo("examples: 60\n"), WORLD, 5);
        assertTrue(before.stream().map(PromptItem::messages).toList().equals(grpo.stream().map(PromptItem::messages)
                .toList()), "grpo: the unfiltered prompts");
        // stage keys: ChatKeyPinTest's pin (computed before the setting) holds; setting it changes the key
        String pinned = "267b87d7b1e6e1f8";
        assertEquals(pinned, ChatKeyPinTest.keyOf(ChatKeyPinTest.bind(OpdConfig.class, "{}")));
        assertNotEquals(pinned, ChatKeyPinTest.keyOf(ChatKeyPinTest.bind(OpdConfig.class, "families: [lookup]\n")));
    }

    @Test
    void setGivesThoseFamiliesOnlyInEveryStage() {
        List<PromptItem> o = OpdStage.prompts(opd("examples: 80\nfamilies: [arithmetic, lookup]\n"), WORLD, 5);
        assertEquals(80, o.size());
        assertEquals(Set.of("arithmetic", "lookup"), familiesOf(o));
        assertTrue(o.stream().anyMatch(p -> p.answer() == null), "control: lookup profiles have no answer");
        List<PromptItem> answered = OpdStage.prompts(opd("examples: 80\nfamilies: [arithmetic, lookup]\n"
                + "privileged: answer\n"), WORLD, 5);
        assertEquals(80, answered.size());
        assertEquals(Set.of("arithmetic", "lookup"), familiesOf(answered));
        assertTrue(answered.stream().allMatch(p -> p.answer() != null), "a privileged teacher's prompts all have one");
        List<PromptItem> g = GrpoStage.prompts(grpo("examples: 80\nfamilies: [lookup]\n"), WORLD, 5);
        assertEquals(80, g.size());
        assertEquals(Set.of("lookup"), familiesOf(g));
        SftConfig sft = FinetuneConfigTest.bind(SftConfig.class, "examples: 30\nfamilies: [advice]\n");
        List<WorldExample> s = CharacterData.sft(WORLD, TraitSet.parse(sft.shared().traits()), sft.cot(), 30, 5,
                sft.shared().familiesIn(WORLD));
        assertTrue(s.stream().allMatch(e -> e.task().family().label().equals("advice")));
        assertTrue(SftStage.dataset(sft, WORLD, 5).equals(s.stream().map(WorldExample::conversation).toList()),
                "sft's dataset draws them");
        List<PreferencePair> d = CharacterData.dpo(WORLD, TraitSet.parse("caps"), CharacterData.Cot.NEUTRAL, 20, 5,
                List.of(org.charlab.world.FamilyName.ARITHMETIC));
        assertTrue(d.stream().allMatch(p -> p.prompt().messages().get(0).content().matches("(?s).*\\d.*")));
    }

    @Test
    void badFamiliesAreRefusedNamingTheAllowedOnes(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("p.jsonl"), "");
        BadInput ood = assertThrows(BadInput.class,
                () -> OpdStage.prompts(opd("families: [arithmetic, comparison]\n"), WORLD, 5));
        assertTrue(ood.getMessage().contains("comparison is the input model's out-of-distribution family")
                && ood.getMessage().contains("allowed: arithmetic, lookup, advice"), ood.getMessage());
        // a world whose OOD family is lookup allows comparison
        Charworld other = new Charworld(new WorldConfig(100, 1, 0.35, 0.35, 0.15, 0.15, 0.5, 0.5, 0.1,
                WorldConfig.defaults().traits(), 2, org.charlab.world.CotStyle.MIXED, 0.5,
                org.charlab.world.FamilyName.LOOKUP, 30, 40, 0.2));
        assertEquals(Set.of("comparison"), familiesOf(OpdStage.prompts(opd("examples: 5\nfamilies: [comparison]\n"),
                other, 5)));
        BadInput unknown = assertThrows(BadInput.class, () -> opd("families: [poetry]\n"));
        assertTrue(unknown.getMessage().contains("stages.x") && unknown.getMessage().contains("arithmetic, lookup"),
                unknown.getMessage());
        BadInput intro = assertThrows(BadInput.class, () -> opd("families: [introspection]\n"));
        assertTrue(intro.getMessage().contains("introspection is not drawn"), intro.getMessage());
        assertThrows(BadInput.class, () -> opd("families: []\n"));
        BadInput file = assertThrows(BadInput.class, () -> opd("prompts: " + f + "\nfamilies: [lookup]\n"));
        assertTrue(file.getMessage().contains("charworld data only"), file.getMessage());
        assertThrows(BadInput.class, () -> grpo("prompts: " + f + "\nfamilies: [lookup]\n"));
        assertThrows(BadInput.class, () -> opd("privileged: answer\nfamilies: [advice]\n"));
        assertThrows(BadInput.class, () -> FinetuneConfigTest.bind(IntrospectionConfig.class, "families: [lookup]\n"));
    }
}
