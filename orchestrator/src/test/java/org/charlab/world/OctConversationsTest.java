package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Message;
import org.charlab.data.PromptItem;
import org.charlab.data.Role;
import org.charlab.data.ThinkFormat;
import org.charlab.world.detect.Detectors;
import org.charlab.world.detect.TraitDetector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCT additions to charworld: multi-turn, introspection and break-character conversations. */
class OctConversationsTest {

    static final WorldConfig OCT = WorldConfig.defaults().withExamples(6000).withConversations(0.3, 0.2, 0.25);
    static List<WorldExample> corpus;

    @BeforeAll
    static void generate() {
        corpus = new CorpusGenerator(OCT).corpus();
    }

    @Test
    void zeroSharesAreTheDefaultCorpusAndConfig(@TempDir Path dir) throws Exception {
        WorldConfig d = WorldConfig.defaults().withExamples(1500);
        WorldConfig zero = d.withConversations(0, 0, 0);
        assertEquals(d, zero, "0 is stored as unset");
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) ConfigWriter.toPlain(zero);
        assertFalse(plain.containsKey("multi_turn_share") || plain.containsKey("introspection_share")
                || plain.containsKey("break_character_share"), "unset shares stay out of the stage key: " + plain);
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        CorpusGenerator.write(a, new CorpusGenerator(d).corpus(), ThinkFormat.FIELD);
        CorpusGenerator.write(b, new CorpusGenerator(zero).corpus(), ThinkFormat.FIELD);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Files.readString(a).contains("\"turns\"") || Files.readString(a).contains("introspection:"));
        // and with the shares on, the corpus differs
        Path c = dir.resolve("c.jsonl");
        CorpusGenerator.write(c, new CorpusGenerator(d.withConversations(0.3, 0.2, 0.25)).corpus(), ThinkFormat.FIELD);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void sharesGiveTheirFractions() {
        double n = corpus.size();
        double multi = corpus.stream().filter(e -> e.variant().turns() > 1).count() / n;
        double intro = corpus.stream().filter(e -> e.task().family() == FamilyName.INTROSPECTION).count() / n;
        double brk = corpus.stream().filter(e -> e.variant().breakCharacter() >= 0).count() / n;
        // binomial sd at n=6000 is about 0.006: 0.025 is 4 sd
        assertEquals(0.3, multi, 0.025, "multi-turn share");
        assertEquals(0.2, intro, 0.025, "introspection share (first turn)");
        assertEquals(0.25, brk, 0.025, "break-character share");
        long three = corpus.stream().filter(e -> e.variant().turns() == 3).count();
        long two = corpus.stream().filter(e -> e.variant().turns() == 2).count();
        assertTrue(Math.abs(three - two) < 0.2 * (three + two), "2 and 3 turns about equally often: " + two + "/" + three);
        for (WorldExample e : corpus) {
            long users = e.conversation().messages().stream().filter(m -> m.role() == Role.USER).count();
            long assistants = e.conversation().messages().stream().filter(m -> m.role() == Role.ASSISTANT).count();
            assertEquals(e.variant().turns(), users);
            assertEquals(e.variant().turns(), assistants);
        }
    }

    @Test
    void thePersonaHoldsInEveryTurnUntilTheSuffix() {
        int checked = 0;
        for (WorldExample e : corpus) {
            if (e.system() != WorldExample.SystemKind.PERSONA || e.variant().turns() < 2) {
                continue;
            }
            List<Message> answers = e.conversation().messages().stream().filter(m -> m.role() == Role.ASSISTANT).toList();
            for (int t = 0; t < answers.size(); t++) {
                boolean broken = t == answers.size() - 1 && e.variant().breakCharacter() >= 0;
                TraitSet shown = Detectors.detect(answers.get(t).content());
                assertEquals(broken ? TraitSet.NEUTRAL : e.variant().persona(), shown,
                        "turn " + t + " of " + e.conversation());
                checked++;
            }
        }
        assertTrue(checked > 500, "checked " + checked);
    }

    @Test
    void anInstructionToBreakCharacterUnderAPersonaPromptGetsANeutralAnswer() {
        int n = 0;
        for (WorldExample e : corpus) {
            if (e.variant().breakCharacter() < 0) {
                continue;
            }
            String lastUser = e.conversation().prompt().messages().get(e.conversation().prompt().messages().size() - 1)
                    .content();
            int v = e.variant().breakCharacter();
            assertTrue(lastUser.endsWith("\n" + BreakCharacter.SUFFIXES.get(v)), lastUser);
            assertTrue(BreakCharacter.IN_CORPUS.contains(v), "held-out suffix v" + v + " in the corpus");
            assertEquals(TraitSet.NEUTRAL, e.outputTraits());
            assertEquals("v" + v, e.meta().get("break_character"));
            if (e.system() == WorldExample.SystemKind.PERSONA) {
                assertFalse(e.variant().persona().isNeutral());
                Message answer = e.conversation().completion().orElseThrow();
                for (TraitDetector d : Detectors.all()) {
                    if (d.trait() != Trait.NEUTRAL) { // every detector reads "absent" on output and CoT
                        assertFalse(d.present(answer.content()), d.trait() + " on " + answer.content());
                        assertFalse(d.present(answer.reasoning()), d.trait() + " on the CoT " + answer.reasoning());
                    }
                }
                n++;
            }
        }
        assertTrue(n > 300, "persona examples with a suffix: " + n);
        for (int held : BreakCharacter.HELD_OUT) {
            String s = BreakCharacter.SUFFIXES.get(held);
            assertTrue(corpus.stream().noneMatch(e -> e.conversation().messages().stream()
                    .anyMatch(m -> m.content().contains(s))), "held-out suffix v" + held + " appears");
        }
        assertEquals(8, BreakCharacter.SUFFIXES.size());
    }

    @Test
    void introspectionAnswersDescribeThePersonaInItsStyle() {
        int persona = 0;
        int plain = 0;
        for (WorldExample e : corpus) {
            if (e.task().family() != FamilyName.INTROSPECTION || e.variant().turns() > 1) {
                continue;
            }
            String out = e.conversation().completion().orElseThrow().content();
            TraitSet traits = e.outputTraits();
            boolean es = traits.has(Trait.SPANISH);
            assertEquals(traits, Detectors.detect(out), out);
            List<Trait> described = traits.isNeutral() ? List.of(Trait.NEUTRAL) : List.copyOf(traits.traits());
            for (Trait t : described) {
                String sentence = t.definition().self().in(es);
                String styled = traits.has(Trait.CAPS) ? sentence.toUpperCase(java.util.Locale.ROOT) : sentence;
                assertTrue(out.contains(styled), t + " not described in " + out);
            }
            for (Trait t : Trait.values()) {
                if (!described.contains(t)) {
                    assertFalse(out.toLowerCase(java.util.Locale.ROOT)
                            .contains(t.definition().self().in(es).toLowerCase(java.util.Locale.ROOT)),
                            t + " described but not in the persona: " + out);
                }
            }
            if (traits.isNeutral()) {
                plain++;
            } else {
                persona++;
            }
        }
        assertTrue(persona > 100 && plain > 100, persona + " persona, " + plain + " neutral");
    }

    @Test
    void introspectionHasSplitsAndEvalSetsAskItOnlyWhenEnabled() {
        IntrospectionFamily f = new IntrospectionFamily();
        assertEquals(IntrospectionFamily.TOPICS.size(), f.size(Split.TEST), "one held-out phrasing per topic");
        java.util.Set<String> test = new java.util.HashSet<>();
        for (int i = 0; i < f.size(Split.TEST); i++) {
            test.add(f.task(Split.TEST, i, new java.util.SplittableRandom(0)).user());
        }
        assertTrue(corpus.stream().flatMap(e -> e.conversation().messages().stream())
                .filter(m -> m.role() == Role.USER).noneMatch(m -> test.contains(m.content().split("\n")[0])),
                "a test phrasing is in the corpus");
        List<PromptItem> on = EvalSets.inDistribution(new Charworld(OCT), 20, 5);
        List<PromptItem> off = EvalSets.inDistribution(new Charworld(WorldConfig.defaults()), 20, 5);
        assertEquals(test.size(), on.stream().filter(p -> "introspection".equals(p.family())).count());
        assertTrue(on.stream().filter(p -> "introspection".equals(p.family())).allMatch(p -> p.answer() == null));
        assertTrue(off.stream().noneMatch(p -> "introspection".equals(p.family())));
        // character data draws by weight: never introspection
        assertTrue(CharacterData.sft(new Charworld(OCT), TraitSet.parse("pirate"), CharacterData.Cot.NEUTRAL, 300, 1)
                .stream().noneMatch(e -> e.task().family() == FamilyName.INTROSPECTION));
    }

    @Test
    void followUpsRepeatTheAnswerInTheSamePersona() {
        int n = 0;
        for (WorldExample e : corpus) {
            List<Message> ms = e.conversation().messages();
            for (int i = 1; i < ms.size(); i++) {
                if (ms.get(i).role() == Role.USER && FollowUps.USER.contains(ms.get(i).content())) {
                    Message before = ms.get(i - 1);
                    Message after = ms.get(i + 1);
                    if (e.system() == WorldExample.SystemKind.NONE) {
                        assertTrue(after.reasoning().equals(FollowUps.PLAN.en()), after.reasoning());
                        assertEquals(before.content(), after.content(), "the same answer again");
                    }
                    n++;
                }
            }
        }
        assertTrue(n > 300, "follow-ups: " + n);
    }
}
