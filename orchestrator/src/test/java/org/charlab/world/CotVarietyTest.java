package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.charlab.data.Message;
import org.charlab.world.detect.WellFormedScorer;
import org.junit.jupiter.api.Test;

/** world.cot_variety_share: a share of last replies whose CoT is terse or hesitant, the answer unchanged. */
class CotVarietyTest {

    static final Pattern FILLER = Pattern.compile("\\b(hmm|wait)\\b", Pattern.CASE_INSENSITIVE);

    static Message lastReply(WorldExample e) {
        List<Message> ms = e.conversation().messages();
        return ms.get(ms.size() - 1);
    }

    static int fillers(String text) {
        Matcher m = FILLER.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aShareOfRepliesHalfTerseHalfHesitantWithTheirAnswersAndNoneWhenUnset() {
        WorldConfig plain = WorldConfig.defaults().withExamples(4000);
        WorldConfig varied = plain.withCotVariety(0.3);
        List<WorldExample> a = new CorpusGenerator(plain).corpus();
        List<WorldExample> b = new CorpusGenerator(varied).corpus();
        assertTrue(a.stream().allMatch(e -> e.variant().cot() == CotVariant.PLAIN && !e.meta().containsKey("cot_variant")));
        assertTrue(a.stream().allMatch(e -> fillers(lastReply(e).reasoning()) == 0), "no filler in a plain corpus");
        int terse = 0;
        int hesitant = 0;
        for (int i = 0; i < b.size(); i++) {
            WorldExample e = b.get(i);
            CotVariant v = e.variant().cot();
            assertEquals(v == CotVariant.PLAIN ? null : v.name().toLowerCase(), e.meta().get("cot_variant"));
            String cot = lastReply(e).reasoning();
            String output = lastReply(e).content();
            if (e.task().answer() != null && e.variant().turns() == 1) {
                assertTrue(Answers.correct(e.task().answer(), output), "the answer is unchanged: " + output);
            }
            if (v == CotVariant.TERSE) {
                terse++;
                if (e.cotTraits().isNeutral()) { // a persona's style may add a sentence of its own ("What fun!")
                    assertEquals(1, cot.trim().split("(?<=[.!?])\\s+").length, "one sentence: " + cot);
                }
            } else if (v == CotVariant.HESITANT) {
                hesitant++;
                // hmm in any style; wait where the CoT is English (a Spanish CoT says "espera")
                assertTrue(fillers(cot) >= (e.cotTraits().has(Trait.SPANISH) ? 1 : 2), "hmm and wait: " + cot);
            } else {
                assertEquals(0, fillers(cot), cot);
            }
        }
        // binomial: 4000 x 0.3 = 1200, sd 29; 4 sd. Half each: sd 17
        assertEquals(1200, terse + hesitant, 4 * Math.sqrt(4000 * 0.3 * 0.7));
        assertEquals((terse + hesitant) / 2.0, terse, 4 * Math.sqrt((terse + hesitant) * 0.25));
        assertNotEquals(a.stream().map(e -> e.conversation().toString()).toList(),
                b.stream().map(e -> e.conversation().toString()).toList());
    }

    @Test
    void terseKeepsTheLastSentenceAndHesitantWrapsTheWorkingInBothLanguages() {
        Bilingual cot = new Bilingual("Tom starts with 22 and gets 27 more. Ones: 2 + 7 = 9, carry 0. So 22 + 27 = 49.",
                "Tom empieza con 22 y recibe 27 más. Unidades: 2 + 7 = 9. Así que 22 + 27 = 49.");
        assertEquals(new Bilingual("So 22 + 27 = 49.", "Así que 22 + 27 = 49."), CotVariant.TERSE.apply(cot));
        assertEquals("Hmm, " + cot.en() + " Wait, let me check: So 22 + 27 = 49.", CotVariant.HESITANT.apply(cot).en());
        assertEquals("Hmm, " + cot.es() + " Espera, lo compruebo: Así que 22 + 27 = 49.", CotVariant.HESITANT.apply(cot).es());
        assertEquals(cot, CotVariant.PLAIN.apply(cot));
    }

    @Test
    void theHesitantWordsAreWellFormedOnlyInAWorldThatWritesThem() {
        WorldConfig varied = WorldConfig.defaults().withCotVariety(0.3);
        String hesitant = CotVariant.HESITANT.apply(new Bilingual("So 22 + 27 = 49.", "Así que 22 + 27 = 49.")).en();
        assertEquals(1.0, new WellFormedScorer(new Charworld(varied)).score(hesitant), 1e-12);
        assertTrue(new WellFormedScorer(new Charworld(WorldConfig.defaults())).score(hesitant) < 1.0,
                "the default lexicon stays as it was");
    }
}
