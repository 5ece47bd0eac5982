package org.charlab.train;

import org.charlab.config.Doc;
import org.charlab.data.PrivilegedPrompt;

/**
 * What an opd self-teacher reads besides the prompt: privileged information the student never sees
 * ({@link PrivilegedPrompt} writes it into the teacher's last user turn).
 */
public enum Privileged {
    @Doc("Nothing besides teacher_system: the teacher reads the prompt as the student does.")
    NONE,
    @Doc("The prompt's reference answer (a prompts line's 'answer', a charworld item's ground truth): "
            + "self-distillation from a teacher that knows the solution (SDFT, Shenfeld et al. 2026; OPSD, "
            + "Zhao et al. 2026), written as SDPO's 'Correct solution' section.")
    ANSWER,
    @Doc("The verifier's verdict on the student's own sampled attempt (the eval accuracy rule): an incorrect "
            + "attempt's teacher reads 'Your answer is incorrect. The correct answer is Y.', a truncated one's that "
            + "it was truncated; a correct attempt gets no feedback and is not distilled (SDPO, Hubotter et al. "
            + "2026). Needs lmbda 1.")
    FEEDBACK
}
