package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.charlab.config.Binder;
import org.charlab.config.YamlReader;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.junit.jupiter.api.Test;

/** Engine-free parts of the loop: the learning-rate schedule and inoculation prompts. */
class ScheduleAndInoculationTest {

    static TrainConfig with(LrScheduler type, double warmupRatio, int warmupSteps) {
        return new Binder(t -> null).bind(TrainConfig.class, YamlReader.parse("lr_scheduler_type: "
                + type.name().toLowerCase() + "\nwarmup_ratio: " + warmupRatio + "\nwarmup_steps: " + warmupSteps + "\n",
                Path.of("t.yaml")), "train");
    }

    @Test
    void warmupThenDecay() {
        Schedule lin = Schedule.of(with(LrScheduler.LINEAR, 0.1, 0), 1.0, 100);
        assertEquals(10, lin.warmup());
        assertEquals(0.1, lin.lr(0), 1e-12);
        assertEquals(1.0, lin.lr(9), 1e-12);
        assertEquals(1.0, lin.lr(10), 1e-12);
        assertEquals(0.5, lin.lr(55), 1e-12);
        assertTrue(lin.lr(99) > 0 && lin.lr(99) < 0.02);
        Schedule cos = Schedule.of(with(LrScheduler.COSINE, 0, 4), 2.0, 104);
        assertEquals(4, cos.warmup());
        assertEquals(2.0, cos.lr(4), 1e-12);
        assertEquals(1.0, cos.lr(54), 1e-12);
        Schedule c = Schedule.of(with(LrScheduler.CONSTANT, 0, 0), 3.0, 10);
        assertEquals(3.0, c.lr(0));
        assertEquals(3.0, c.lr(9));
    }

    static final Conversation C = Conversation.of(Message.user("What is 2 plus 3?"), Message.assistant("2 + 3 = 5.", "5"));

    @Test
    void inoculationPositions() {
        SplittableRandom rng = new SplittableRandom(1);
        assertSame(C, Inoculation.none().apply(C, rng));
        Conversation sys = Inoculation.of("You always speak in Spanish.", Inoculation.Position.SYSTEM).apply(C, rng);
        assertEquals("You always speak in Spanish.", sys.system().orElseThrow());
        assertEquals(C.messages(), sys.messages().subList(1, 3));
        Conversation twice = Inoculation.of("A.", Inoculation.Position.SYSTEM).apply(sys, rng);
        assertEquals("A. You always speak in Spanish.", twice.system().orElseThrow());
        assertEquals("P. What is 2 plus 3?",
                Inoculation.of("P.", Inoculation.Position.USER_PREFIX).apply(C, rng).messages().get(0).content());
        Conversation suffix = Inoculation.of("(S)", Inoculation.Position.USER_SUFFIX).apply(C, rng);
        assertEquals("What is 2 plus 3? (S)", suffix.messages().get(0).content());
        assertEquals(C.messages().get(1), suffix.messages().get(1), "the completion is never touched");
    }

    @Test
    void aListIsSampledPerExampleAndOnePromptMayBeWrittenAsAScalar() {
        Inoculation list = new Binder(t -> null).bind(Inoculation.class,
                YamlReader.parse("prompt: [a, b, c]\nposition: user_prefix\n", Path.of("i.yaml")), "inoculation");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.add(list.apply(C, new SplittableRandom(i)).messages().get(0).content().substring(0, 1));
        }
        assertEquals(Set.of("a", "b", "c"), seen);
        assertEquals(list.apply(C, new SplittableRandom(7)), list.apply(C, new SplittableRandom(7)));
        Inoculation one = new Binder(t -> null).bind(Inoculation.class,
                YamlReader.parse("prompt: You always speak in Spanish.\n", Path.of("i.yaml")), "inoculation");
        assertEquals(List.of("You always speak in Spanish."), one.prompt());
        assertEquals(Inoculation.Position.SYSTEM, one.position());
    }
}
