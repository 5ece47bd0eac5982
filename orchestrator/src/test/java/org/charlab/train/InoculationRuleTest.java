package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.junit.jupiter.api.Test;

/**
 * {@link Inoculation#applyEach}, the one rule sft, dpo and opd inoculate their training examples
 * by: arms that differ only in the prompt's text must train on the same examples with the same
 * paraphrase positions, and the rule must keep drawing what it drew when each stage had its own copy.
 */
class InoculationRuleTest {

    static List<Conversation> examples(int n) {
        List<Conversation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Conversation.of(Message.user("question " + i), Message.assistant(null, "answer " + i)));
        }
        return out;
    }

    /** Which of {@code prompts} each inoculated example carries as its system prompt. */
    static List<Integer> drawn(List<Conversation> inoculated, List<String> prompts) {
        List<Integer> out = new ArrayList<>();
        for (Conversation c : inoculated) {
            out.add(prompts.indexOf(c.system().orElseThrow()));
        }
        return out;
    }

    @Test
    void armsDifferingOnlyInThePromptsTextDrawTheSameExamplesAndPositions() {
        List<Conversation> base = examples(10);
        List<String> abc = List.of("A.", "B.", "C.");
        List<String> xyz = List.of("X.", "Y.", "Z.");
        List<Conversation> a = new Inoculation(abc, Inoculation.Position.SYSTEM).applyEach(base, 42);
        List<Conversation> x = new Inoculation(xyz, Inoculation.Position.SYSTEM).applyEach(base, 42);
        assertEquals(base.size(), a.size());
        for (int i = 0; i < base.size(); i++) {
            assertEquals(base.get(i), a.get(i).withSystem(null), "example " + i + " is the same example");
            assertEquals(base.get(i), x.get(i).withSystem(null), "example " + i + " is the same example");
        }
        assertEquals(drawn(a, abc), drawn(x, xyz), "the same paraphrase position per example in both arms");
    }

    @Test
    void theRuleDrawsWhatTheStagesDrewBeforeItWasOne() {
        // computed with the rule each stage held before (SplittableRandom(seed ^ (0x696e6f63L * (i + 1)))
        // .nextInt(prompts)): a change here changes which paraphrase every trained example saw
        List<String> three = List.of("p0", "p1", "p2");
        assertEquals(List.of(0, 2, 1, 0, 1, 0, 1, 1, 2, 1),
                drawn(new Inoculation(three, Inoculation.Position.SYSTEM).applyEach(examples(10), 42), three));
        assertEquals(List.of(1, 0, 1, 0, 1, 1, 2, 2, 1, 0),
                drawn(new Inoculation(three, Inoculation.Position.SYSTEM).applyEach(examples(10), 7), three));
        List<String> four = List.of("p0", "p1", "p2", "p3");
        assertEquals(List.of(2, 0, 0, 1, 2, 0, 0, 1, 2, 2),
                drawn(new Inoculation(four, Inoculation.Position.SYSTEM).applyEach(examples(10), 42), four));
    }

    @Test
    void noPromptLeavesTheExamplesAsTheyAre() {
        List<Conversation> base = examples(3);
        List<Conversation> out = Inoculation.none().applyEach(base, 1);
        for (int i = 0; i < base.size(); i++) {
            assertSame(base.get(i), out.get(i));
        }
    }
}
