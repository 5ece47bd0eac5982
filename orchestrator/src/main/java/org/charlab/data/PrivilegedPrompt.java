package org.charlab.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Privileged text after a user message, in SDPO's reprompt format (Hubotter et al. 2026,
 * github.com/lasgroup/SDPO, {@code self_distillation.reprompt_template}, {@code solution_template},
 * {@code feedback_template}; the feedback sentences are its math verifier's). The text is appended
 * to the LAST USER message, as SDPO does (its system messages are kept; the question is followed by
 * the section and a closing instruction):
 * <pre>
 *   {question}\nCorrect solution:\n\n{answer}\n\nCorrectly solve the original question.
 *   {question}\nThe following is feedback from your unsuccessful earlier attempt:\n\n{feedback}\n\n
 *       Correctly solve the original question.
 * </pre>
 * SDPO's "correct solution" is a successful peer attempt (thinking removed); opd samples one
 * completion per prompt, so its {@code privileged: answer} puts the reference answer there instead
 * (the ground truth of SDFT/OPSD). World-agnostic, so opd's self-teacher (its context only; the
 * student's never passes through here) and charworld's corpus ({@code world.privileged_share}, which
 * teaches a base to read such a hint) write the same text from here.
 */
public final class PrivilegedPrompt {

    static final String SOLUTION = "\nCorrect solution:\n\n";
    static final String FEEDBACK = "\nThe following is feedback from your unsuccessful earlier attempt:\n\n";
    static final String CLOSING = "\n\nCorrectly solve the original question.";
    static final String TRUNCATED = "Your response was truncated because it exceeded the maximum length.";

    private PrivilegedPrompt() {
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

    /** {@code user} followed by the "Correct solution" section with {@code answer} and the closing line. */
    public static String withAnswer(String user, String answer) {
        if (answer == null || answer.isBlank()) {
            throw new IllegalArgumentException("privileged answer: the prompt has no reference answer");
        }
        return user + SOLUTION + answer.trim() + CLOSING;
    }

    /** {@code user} followed by the feedback section with {@code feedback} (from {@link #feedback}) and the closing line. */
    public static String withFeedback(String user, String feedback) {
        return user + FEEDBACK + feedback + CLOSING;
    }

    /** {@code c} with the reference answer after its last user message ({@link #withAnswer(String, String)}). */
    public static Conversation withAnswer(Conversation c, String answer) {
        int u = lastUser(c);
        return replaced(c, u, withAnswer(c.messages().get(u).content(), answer));
    }

    /** {@code c} with {@code feedback} after its last user message ({@link #withFeedback(String, String)}). */
    public static Conversation withFeedback(Conversation c, String feedback) {
        int u = lastUser(c);
        return replaced(c, u, withFeedback(c.messages().get(u).content(), feedback));
    }

    private static int lastUser(Conversation c) {
        for (int i = c.messages().size() - 1; i >= 0; i--) {
            if (c.messages().get(i).role() == Role.USER) {
                return i;
            }
        }
        throw new IllegalArgumentException("privileged context needs a user message; the prompt has none");
    }

    private static Conversation replaced(Conversation c, int i, String user) {
        List<Message> ms = new ArrayList<>(c.messages());
        ms.set(i, Message.user(user));
        return new Conversation(ms);
    }
}
