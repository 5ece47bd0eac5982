package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Message;
import org.charlab.data.Role;
import org.charlab.data.ThinkFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * world.privileged_share: conversations whose last user turn carries the reference answer in SDPO's
 * reprompt format (the text opd's self-teacher reads; PrivilegedOpdTest compares the two paths).
 */
class PrivilegedHintsTest {

    static final String SOLUTION = "\nCorrect solution:\n\n";
    static final String FEEDBACK = "\nThe following is feedback from your unsuccessful earlier attempt:\n\n"
            + "Your answer is incorrect. The correct answer is ";
    static final String CLOSING = "\n\nCorrectly solve the original question.";
    /** The hinted answer in a last user turn, either variant. */
    static final Pattern HINT = Pattern.compile("\n(?:Correct solution:\n\n(.+)|The following is feedback from your "
            + "unsuccessful earlier attempt:\n\nYour answer is incorrect\\. The correct answer is (.+)\\.)"
            + "\n\nCorrectly solve the original question\\.$", Pattern.DOTALL);

    static List<Message> users(WorldExample e) {
        return e.conversation().messages().stream().filter(m -> m.role() == Role.USER).toList();
    }

    static String lastUser(WorldExample e) {
        List<Message> u = users(e);
        return u.get(u.size() - 1).content();
    }

    static String lastOutput(WorldExample e) {
        return e.conversation().messages().get(e.conversation().messages().size() - 1).content();
    }

    @Test
    void shareOfAnswerableConversationsHalfEachVariantNeverAdviceOrIntrospection() {
        WorldConfig c = WorldConfig.defaults().withExamples(6000).withConversations(0, 0.1, 0).withPrivileged(0.2);
        List<WorldExample> corpus = new CorpusGenerator(c).corpus();
        long answerable = corpus.stream().filter(e -> e.task().answer() != null).count();
        long hinted = 0;
        long answers = 0;
        for (WorldExample e : corpus) {
            WorldExample.Hint h = e.variant().hint();
            Matcher m = HINT.matcher(lastUser(e));
            assertEquals(h != WorldExample.Hint.NONE, m.find(), "the user turn carries a hint iff the variant says so");
            assertEquals(h == WorldExample.Hint.NONE ? null : h.name().toLowerCase(), e.meta().get("hint"));
            if (h == WorldExample.Hint.NONE) {
                continue;
            }
            hinted++;
            answers += h == WorldExample.Hint.ANSWER ? 1 : 0;
            FamilyName f = e.task().family();
            assertTrue(f == FamilyName.ARITHMETIC || f == FamilyName.LOOKUP || f == FamilyName.COMPARISON,
                    "only checkable families: " + f);
            assertTrue(e.task().key().startsWith("lookup:") || f != FamilyName.LOOKUP, "no profile: " + e.task().key());
            assertEquals(e.task().user(), m.replaceFirst(""), "the hint follows the task's question unchanged");
        }
        assertTrue(corpus.stream().anyMatch(e -> e.task().family() == FamilyName.ADVICE));
        assertTrue(corpus.stream().anyMatch(e -> e.task().family() == FamilyName.INTROSPECTION));
        // binomial: answerable (about 3900) x 0.2, sd about 25; 4 sd
        double sd = Math.sqrt(answerable * 0.2 * 0.8);
        assertEquals(0.2 * answerable, hinted, 4 * sd, "hinted " + hinted + " of " + answerable + " answerable");
        double sdHalf = Math.sqrt(hinted * 0.25);
        assertEquals(hinted / 2.0, answers, 4 * sdHalf, answers + " answer hints of " + hinted);
        assertTrue(answers > 0 && answers < hinted, "both variants occur");
    }

    @Test
    void theHintIsTheTasksAnswerAndTheReplyGivesIt() {
        WorldConfig c = WorldConfig.defaults().withExamples(3000).withPrivileged(0.5);
        int checked = 0;
        for (WorldExample e : new CorpusGenerator(c).corpus()) {
            if (e.variant().hint() == WorldExample.Hint.NONE) {
                continue;
            }
            String answer = e.task().answer();
            String expected = e.task().user() + (e.variant().hint() == WorldExample.Hint.ANSWER
                    ? SOLUTION + answer : FEEDBACK + answer + ".") + CLOSING;
            assertEquals(expected, lastUser(e));
            assertTrue(Answers.correct(answer, lastOutput(e)), "the reply gives the hinted answer: " + lastOutput(e));
            checked++;
        }
        assertTrue(checked > 500, "checked " + checked);
    }

    @Test
    void multiTurnHintsOnlyTheLastTurnAndNeverABrokenOne() {
        WorldConfig c = WorldConfig.defaults().withExamples(4000).withConversations(0.5, 0, 0.3).withPrivileged(0.5);
        int multi = 0;
        int broken = 0;
        for (WorldExample e : new CorpusGenerator(c).corpus()) {
            List<Message> us = users(e);
            for (int i = 0; i < us.size() - 1; i++) {
                assertFalse(HINT.matcher(us.get(i).content()).find(), "an earlier turn carries no hint");
            }
            if (e.variant().hint() == WorldExample.Hint.NONE) {
                continue;
            }
            assertEquals(-1, e.variant().breakCharacter(), "no hint on a turn with a break-character suffix");
            Matcher m = HINT.matcher(lastUser(e));
            assertTrue(m.find());
            String hinted = m.group(1) != null ? m.group(1) : m.group(2);
            assertTrue(Answers.correct(hinted, lastOutput(e)), "the last reply gives the hinted answer");
            multi += e.variant().turns() > 1 ? 1 : 0;
        }
        for (WorldExample e : new CorpusGenerator(c).corpus()) {
            broken += e.variant().breakCharacter() >= 0 ? 1 : 0;
        }
        assertTrue(multi > 100 && broken > 500, multi + " multi-turn hinted, " + broken + " broken");
    }

    @Test
    void unsetOrZeroIsTheOldCorpusAndConfig(@TempDir Path dir) throws Exception {
        WorldConfig d = WorldConfig.defaults().withExamples(1500).withConversations(0.3, 0.2, 0.25);
        WorldConfig zero = d.withPrivileged(0);
        assertEquals(d, zero, "0 is stored as unset");
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) ConfigWriter.toPlain(zero);
        assertFalse(plain.containsKey("privileged_share"), "unset stays out of the stage key: " + plain);
        assertEquals(0.2, d.withPrivileged(0.2).withConversations(0.1, 0, 0).privileged(), 0,
                "withConversations keeps privileged_share");
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        CorpusGenerator.write(a, new CorpusGenerator(zero).corpus(), ThinkFormat.FIELD);
        CorpusGenerator.write(b, new CorpusGenerator(d.withPrivileged(0.3)).corpus(), ThinkFormat.FIELD);
        String text = Files.readString(a);
        assertFalse(text.contains("Correctly solve the original question") || text.contains("\"hint\""));
        assertTrue(Files.readString(b).contains("\"hint\":\"feedback\""), "data files record the hint");
        assertNotEquals(text, Files.readString(b));
        // byte-identical to the corpus before the setting existed: WorldPinTest and OctConversationsTest pin those
    }
}
