package org.charlab.train;

import java.util.ArrayList;
import java.util.List;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.Role;

/**
 * The privileged text an opd self-teacher reads, in SDPO's reprompt format (Hubotter et al. 2026,
 * github.com/lasgroup/SDPO, {@code self_distillation.reprompt_template}, {@code solution_template},
 * {@code feedback_template}; the feedback sentences are its math verifier's). The text is appended
 * to the teacher's LAST USER message, as SDPO does (its system messages are kept; the question is
 * followed by the section and a closing instruction):
 * <pre>
 *   {question}\nCorrect solution:\n\n{answer}\n\nCorrectly solve the original question.
 *   {question}\nThe following is feedback from your unsuccessful earlier attempt:\n\n{feedback}\n\n
 *       Correctly solve the original question.
 * </pre>
 * SDPO's "correct solution" is a successful peer attempt (thinking removed); opd samples one
 * completion per prompt, so {@link Privileged#ANSWER} puts the reference answer there instead
 * (the ground truth of SDFT/OPSD). The student's context never passes through this class.
 */
public final class PrivilegedContext {

    static final String SOLUTION = "\nCorrect solution:\n\n";
    static final String FEEDBACK = "\nThe following is feedback from your unsuccessful earlier attempt:\n\n";
    static final String CLOSING = "\n\nCorrectly solve the original question.";
    static final String TRUNCATED = "Your response was truncated because it exceeded the maximum length.";

    private PrivilegedContext() {
    }

    /** {@code teacher} with the reference answer after its last user message. */
    public static Conversation withAnswer(Conversation teacher, String answer) {
        if (answer == null || answer.isBlank()) {
            throw new IllegalArgumentException("privileged answer: the prompt has no reference answer");
        }
        return reprompt(teacher, SOLUTION + answer.trim());
    }

    /**
     * The verifier's feedback on one attempt, or null for none (a correct attempt that was not cut
     * off: SDPO's math verifier then returns no feedback). A truncated attempt is told so (SDPO's
     * order: truncation before correctness); an incorrect one is told the correct answer.
     */
    public static String feedback(boolean correct, boolean truncated, String answer) {
        if (truncated) {
            return TRUNCATED;
        }
        return correct ? null : "Your answer is incorrect. The correct answer is " + answer.trim() + ".";
    }

    /** {@code teacher} with {@code feedback} (from {@link #feedback}) after its last user message. */
    public static Conversation withFeedback(Conversation teacher, String feedback) {
        return reprompt(teacher, FEEDBACK + feedback);
    }

    private static Conversation reprompt(Conversation c, String section) {
        List<Message> ms = new ArrayList<>(c.messages());
        for (int i = ms.size() - 1; i >= 0; i--) {
            if (ms.get(i).role() == Role.USER) {
                ms.set(i, Message.user(ms.get(i).content() + section + CLOSING));
                return new Conversation(ms);
            }
        }
        throw new IllegalArgumentException("privileged context needs a user message; the prompt has none");
    }
}
