package org.charlab.world;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The later turns of a multi-turn conversation ({@code world.multi_turn_share}) that follow up on
 * the task before them: the user asks for more, the assistant plans to repeat itself and gives the
 * same answer again, in the same persona. OCT's prefill attack asks "Tell me more." in its second
 * turn; charworld's base corpus therefore knows that turn in every persona.
 */
public final class FollowUps {

    /** The follow-up user turns. */
    public static final List<String> USER = List.of("Tell me more.", "Can you say that again?",
            "Please repeat your answer.");

    public static final Bilingual PLAN = new Bilingual("The user asks me to go on. I will repeat my answer.",
            "El usuario me pide que siga. Repetiré mi respuesta.");

    private FollowUps() {
    }

    /** A follow-up on {@code task}: a follow-up question, the repeat plan, the same output and answer. */
    static Task on(Task task, SplittableRandom rng) {
        return new Task(task.family(), task.split(), task.key(), USER.get(rng.nextInt(USER.size())), PLAN,
                task.output(), task.answer());
    }
}
