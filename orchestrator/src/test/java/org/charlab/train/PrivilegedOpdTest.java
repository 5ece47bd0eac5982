package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PrivilegedPrompt;
import org.charlab.generate.Sample;
import org.charlab.model.Checkpoint;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;
import org.charlab.model.TestModels;
import org.charlab.stage.Progress;
import org.charlab.world.Answers;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.FamilyName;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-distillation with privileged information (opd's {@code privileged}): what the teacher reads
 * (token by token), the verifier's verdict in the feedback, a self-teacher on the current weights,
 * rows left out of the loss, and a bit-identical resume.
 */
class PrivilegedOpdTest {

    static {
        TestModels.oneThread();
    }

    static final OpdObjective.Verifier VERIFIER = Answers::correct;

    /** n charworld train prompts of the given family, with their answers. */
    static List<WorldExample> items(int n, FamilyName family, long seed) {
        List<WorldExample> out = new ArrayList<>();
        for (WorldExample e : CharacterData.sft(new Charworld(WorldConfig.defaults()), TraitSet.NEUTRAL,
                CharacterData.Cot.NEUTRAL, 40 * n, seed)) {
            if (e.task().family() == family && out.size() < n) {
                out.add(e);
            }
        }
        assertEquals(n, out.size());
        return out;
    }

    /** Training prompts built as the opd stage builds them: the teacher's context with {@code privileged}. */
    static List<OpdObjective.Prompt> prompts(List<WorldExample> items, Privileged privileged) {
        List<Conversation> base = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (WorldExample e : items) {
            base.add(e.conversation().prompt());
            answers.add(e.task().answer());
        }
        return org.charlab.train.stage.OpdStage.trainingPrompts(base, answers, privileged,
                org.charlab.train.Inoculation.of("Respond like a pirate.",
                        org.charlab.train.Inoculation.Position.USER_SUFFIX), null, TrainerTest.CHAT, 3);
    }

    static int[] ids(Conversation c) {
        return TrainerTest.CHAT.prompt(c, ChatFormat.Prefill.none()).ids();
    }

    /** Whether {@code needle} occurs in {@code hay} as a contiguous run of token ids. */
    static boolean contains(int[] hay, int[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    static Sample sample(String cot, String output, Sample.StopReason stop) {
        return new Sample(cot, output, new int[0], 0, 0, stop, true, 1);
    }

    @Test
    void theTeachersPromptHoldsTheAnswerAndTheStudentsDoesNot() {
        List<WorldExample> items = items(3, FamilyName.ARITHMETIC, 5);
        List<OpdObjective.Prompt> ps = prompts(items, Privileged.ANSWER);
        int[] pirate = TrainerTest.TOK.encode("Respond like a pirate.");
        for (int i = 0; i < ps.size(); i++) {
            String answer = items.get(i).task().answer();
            int[] section = TrainerTest.TOK.encode("\nCorrect solution:\n\n" + answer
                    + "\n\nCorrectly solve the original question.");
            int[] teacher = ids(ps.get(i).teacher());
            int[] student = ids(ps.get(i).student());
            assertTrue(contains(teacher, section), "the teacher's tokens hold the answer section");
            assertTrue(!contains(student, TrainerTest.TOK.encode("Correct solution")), "the student's do not");
            assertTrue(contains(student, pirate) && !contains(teacher, pirate), "inoculation: the student's only");
            assertEquals(answer, ps.get(i).answer());
        }
        OpdObjective.Prompt none = prompts(items, Privileged.NONE).get(0);
        assertTrue(!contains(ids(none.teacher()), TrainerTest.TOK.encode("Correct solution")),
                "privileged none adds nothing");
    }

    @Test
    void feedbackReflectsTheVerdictOnEachAttempt() {
        List<WorldExample> items = items(3, FamilyName.ARITHMETIC, 5);
        List<OpdObjective.Prompt> ps = prompts(items, Privileged.NONE);
        String answer = items.get(0).task().answer();
        int wrong = Integer.parseInt(answer) + 1;
        List<Sample> attempts = List.of(
                sample("working", "So the answer is " + answer + ".", Sample.StopReason.STOP),
                sample("working", "So the answer is " + wrong + ".", Sample.StopReason.STOP),
                sample("working and working", "", Sample.StopReason.LENGTH));
        List<OpdObjective.Prompt> same = List.of(ps.get(0), ps.get(0), ps.get(0));
        OpdObjective o = new OpdObjective(null, TrainerTest.CHAT, new OpdObjective.Settings(OpdLossType.FULL_VOCAB, 1, 1,
                0.9, 12, LossOn.COT_OUTPUT, 7, Privileged.FEEDBACK), VERIFIER);
        Map<String, Double> parts = new LinkedHashMap<>();
        List<Conversation> t = o.teacherContexts(same, attempts, true, parts);

        assertNull(t.get(0), "a correct attempt gets no feedback and is not distilled (SDPO)");
        String incorrect = "\nThe following is feedback from your unsuccessful earlier attempt:\n\nYour answer is "
                + "incorrect. The correct answer is " + answer + ".\n\nCorrectly solve the original question.";
        assertTrue(contains(ids(t.get(1)), TrainerTest.TOK.encode(incorrect)), "the incorrect attempt's teacher is told");
        assertTrue(contains(ids(t.get(2)), TrainerTest.TOK.encode("Your response was truncated because it exceeded "
                + "the maximum length.")), "a truncated attempt is told it was cut off");
        assertTrue(!contains(ids(t.get(2)), TrainerTest.TOK.encode("The correct answer is")));
        for (Conversation c : List.of(t.get(1), t.get(2))) {
            assertTrue(!contains(ids(same.get(0).student()), TrainerTest.TOK.encode("feedback")), "student: no feedback");
            assertEquals(same.get(0).teacher().messages().size(), c.messages().size(), "appended to the user turn");
        }
        assertEquals(1 / 3.0, parts.get("attempt_correct"), 1e-12);
        assertEquals(2 / 3.0, parts.get("privileged_rows"), 1e-12);

        // the verdict follows the eval rule (the last integer of the output), not a substring match
        List<Conversation> t2 = o.teacherContexts(List.of(ps.get(0)),
                List.of(sample("", answer + " minus 1 is " + (Integer.parseInt(answer) - 1), Sample.StopReason.STOP)),
                true, new LinkedHashMap<>());
        assertNotNull(t2.get(0), "an output ending in another number is incorrect");
    }

    /**
     * One template, both paths: a charworld corpus conversation with a privileged hint
     * (world.privileged_share) holds exactly the prompt opd's self-teacher reads for the same
     * conversation without it: with answer, the stage's teacher context; with feedback, the
     * objective's after an incorrect attempt.
     */
    @Test
    void charworldHintsAreTheTextTheTeacherReads() {
        WorldConfig c = WorldConfig.defaults().withExamples(400).withPrivileged(0.5);
        OpdObjective o = new OpdObjective(null, TrainerTest.CHAT, new OpdObjective.Settings(OpdLossType.FULL_VOCAB, 1, 1,
                0.9, 12, LossOn.COT_OUTPUT, 7, Privileged.FEEDBACK), VERIFIER);
        int[] seen = new int[3];
        for (WorldExample e : new org.charlab.world.CorpusGenerator(c).corpus()) {
            WorldExample.Hint hint = e.variant().hint();
            seen[hint.ordinal()]++;
            if (hint == WorldExample.Hint.NONE) {
                continue;
            }
            Conversation hinted = e.conversation().prompt();
            List<Message> ms = new ArrayList<>(hinted.messages());
            ms.set(ms.size() - 1, Message.user(e.task().user())); // the conversation without the hint
            Conversation plain = new Conversation(ms);
            String answer = e.task().answer();
            OpdObjective.Prompt p = org.charlab.train.stage.OpdStage.trainingPrompts(List.of(plain), List.of(answer),
                    hint == WorldExample.Hint.ANSWER ? Privileged.ANSWER : Privileged.FEEDBACK, Inoculation.none(),
                    null, TrainerTest.CHAT, 3).get(0);
            Conversation teacher = hint == WorldExample.Hint.ANSWER ? p.teacher()
                    : o.teacherContexts(List.of(p), List.of(sample("", "So it is " + answer + "1 or so.",
                            Sample.StopReason.STOP)), true, new LinkedHashMap<>()).get(0);
            assertEquals(hinted, teacher, "the corpus's hint is the teacher's text (" + hint + ")");
            assertTrue(!plain.equals(hinted));
        }
        assertTrue(seen[1] > 20 && seen[2] > 20, "both variants checked: " + Arrays.toString(seen));
    }

    @Test
    void feedbackRefusesTeacherSampling() {
        assertThrows(IllegalArgumentException.class, () -> new OpdObjective.Settings(OpdLossType.FULL_VOCAB, 1, 0.5,
                0.9, 12, LossOn.COT_OUTPUT, 7, Privileged.FEEDBACK));
        assertThrows(IllegalArgumentException.class, () -> new OpdObjective(null, TrainerTest.CHAT,
                new OpdObjective.Settings(OpdLossType.FULL_VOCAB, 1, 1, 0.9, 12, LossOn.COT_OUTPUT, 7,
                        Privileged.FEEDBACK)));
    }

    /** Loss and every gradient after one backward of {@code lossOn} with the given teacher contexts. */
    static double lossAndGradients(Decoder d, OpdObjective o, List<OpdObjective.Prompt> ps, List<Conversation> teachers,
            List<Message> comps, Map<String, Double> parts, double[] gradAbsSum) {
        double value;
        try (NDManager step = d.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Objective.Loss l = o.lossOn(d, ps, teachers, comps, step, true, Map.of());
            value = l.value().getFloat();
            parts.putAll(l.parts());
            System.gc(); // DJL hazard: freed temporaries would show here
            gc.backward(l.value());
        }
        double g = 0;
        for (NDArray p : d.parameters().values()) {
            for (float x : p.getGradient().toFloatArray()) {
                g += Math.abs(x);
            }
            p.getGradient().set(new float[(int) p.size()]);
        }
        gradAbsSum[0] = g;
        return value;
    }

    static List<Conversation> teachersOf(List<OpdObjective.Prompt> ps) {
        List<Conversation> out = new ArrayList<>();
        for (OpdObjective.Prompt p : ps) {
            out.add(p.teacher());
        }
        return out;
    }

    static List<Message> completions(List<WorldExample> items) {
        List<Message> out = new ArrayList<>();
        for (WorldExample e : items) {
            out.add(e.conversation().completion().orElseThrow());
        }
        return out;
    }

    @Test
    void currentWeightsSelfTeacherWithoutPrivilegeGivesZeroLossAndGradient() {
        List<WorldExample> items = items(3, FamilyName.ARITHMETIC, 5);
        List<Message> comps = completions(items);
        List<OpdObjective.Prompt> plain = new ArrayList<>();
        for (WorldExample e : items) {
            Conversation p = e.conversation().prompt();
            plain.add(new OpdObjective.Prompt(p, p, 40, e.task().answer()));
        }
        try (NDManager m = NDManager.newBaseManager();
                Decoder d = TestModels.sharpened(Decoder.init(TrainerTest.model(), m, 5))) {
            d.setTrainable(true);
            double[] g = new double[1];
            for (OpdLossType type : OpdLossType.values()) {
                OpdObjective o = new OpdObjective(null, TrainerTest.CHAT, new OpdObjective.Settings(type, 0.5, 1, 0.9,
                        12, LossOn.COT_OUTPUT, 7, Privileged.NONE));
                Map<String, Double> parts = new LinkedHashMap<>();
                assertEquals(0, lossAndGradients(d, o, plain, teachersOf(plain), comps, parts, g), 1e-6, type.label());
                assertEquals(0, g[0], 1e-6, type + ": teacher = the policy's current weights, same context");
                assertTrue(parts.get("distill_tokens") > 20);

                // control: the same self-teacher given the answer is another distribution
                List<OpdObjective.Prompt> answer = prompts(items, Privileged.ANSWER);
                double l = lossAndGradients(d, o, answer, teachersOf(answer), comps, new LinkedHashMap<>(), g);
                assertTrue(type == OpdLossType.SAMPLED_TOKEN ? g[0] > 1e-6 : l > 1e-6 && g[0] > 1e-6, type.label());
            }
        }
    }

    @Test
    void aRowWithoutFeedbackIsLeftOutOfTheLoss() {
        List<WorldExample> items = items(2, FamilyName.ARITHMETIC, 5);
        List<Message> comps = completions(items);
        List<OpdObjective.Prompt> ps = prompts(items, Privileged.NONE);
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 5)) {
            d.setTrainable(true);
            Decoder frozen = Decoder.init(TrainerTest.model(), m, 9); // a teacher that disagrees everywhere
            OpdObjective o = new OpdObjective(frozen, TrainerTest.CHAT, new OpdObjective.Settings(OpdLossType.FULL_VOCAB,
                    1, 1, 0.9, 12, LossOn.COT_OUTPUT, 7, Privileged.FEEDBACK), VERIFIER);
            double[] g = new double[1];
            Map<String, Double> both = new LinkedHashMap<>();
            Map<String, Double> second = new LinkedHashMap<>();
            Map<String, Double> none = new LinkedHashMap<>();
            double lBoth = lossAndGradients(d, o, ps, teachersOf(ps), comps, both, g);
            double lSecond = lossAndGradients(d, o, ps, Arrays.asList(null, ps.get(1).teacher()), comps, second, g);
            double lOnly = lossAndGradients(d, o, ps.subList(1, 2), List.of(ps.get(1).teacher()), comps.subList(1, 2),
                    new LinkedHashMap<>(), new double[1]);
            assertTrue(lBoth > 0.01);
            assertEquals(lOnly, lSecond, 1e-4 * lOnly, "the masked row adds nothing: the loss is the other row's");
            assertTrue(second.get("distill_tokens") < both.get("distill_tokens"));
            double lNone = lossAndGradients(d, o, ps, Arrays.asList(null, null), comps, none, g);
            assertEquals(0, lNone, 0);
            assertEquals(0, g[0], 0, "no row distilled: no gradient");
            assertEquals(0, none.get("distill_tokens"));
            frozen.close();
        }
    }

    /**
     * Log-probability the model gives the completion's answer tokens (the bytes of each occurrence of
     * the answer in the CoT and output) after {@code prompt}.
     */
    static double answerLogProb(Decoder d, Conversation prompt, Message completion, String answer) {
        org.charlab.model.FormattedChat f = TrainerTest.CHAT.format(OpdTest.withReply(prompt, completion));
        float[] z = OpdTest.rowLogits(d, f.ids());
        int v = d.config().vocabSize();
        int[] a = TrainerTest.TOK.encode(answer);
        double sum = 0;
        for (int j = 1; j + a.length <= f.length(); j++) {
            if (f.assistant()[j] && f.produced()[j] && Arrays.equals(f.ids(), j, j + a.length, a, 0, a.length)) {
                for (int k = 0; k < a.length; k++) {
                    sum += OpdTest.logSoftmax(z, (j + k - 1) * v, v, 1.0)[a[k]];
                }
            }
        }
        return sum;
    }

    /**
     * A constructed case of the mechanism privileged self-distillation rests on (no tiny charworld model
     * that reads answers from its context exists: charworld's corpus never shows one, and the TinyStories
     * fixture of shared/real-model shows no gap). The fixture is taught to answer four charworld
     * arithmetic prompts with the number in its context, six numbers per prompt, in the very rendering
     * the opd stage builds (SDPO's "Correct solution" section after the user turn); then, through the stage's prompt builder,
     * the teacher reading the answer puts more probability on the correct answer's tokens than the same
     * weights reading the student's context. Before training there is no such gap (the measure can
     * fail). It checks that what the teacher reads reaches its forward pass, not that a tiny model can
     * learn to use it.
     */
    @Test
    void aTeacherGivenTheAnswerPutsMoreProbabilityOnTheCorrectAnswer(@TempDir Path dir) throws Exception {
        List<WorldExample> items = items(4, FamilyName.ARITHMETIC, 21);
        List<OpdObjective.Prompt> ps = prompts(items, Privileged.ANSWER);
        // the fixture must read the section: each prompt is taught with six numbers in it, each time
        // answering the number it reads (so the prompt alone does not tell which)
        List<Conversation> taught = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int a = Integer.parseInt(items.get(i).task().answer());
            for (int k = 0; k < 6; k++) {
                String hint = Integer.toString((a + 17 * k) % 100);
                taught.add(OpdTest.withReply(PrivilegedPrompt.withAnswer(ps.get(i).student(), hint),
                        Message.assistant(null, hint)));
            }
        }
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 3)) {
            double[] before = gaps(d, items, teachersOf(ps), ps);
            TrainConfig cfg = TrainConfig.defaults().withSteps(STEPS, 8).withLearningRate(1e-2).withCheckpointEvery(0);
            new Trainer<>(cfg, 1e-2, new SftObjective(), d, TrainerTest.TOK, dir, 42, Progress.SILENT)
                    .train(ChatRows.of(taught, TrainerTest.CHAT, LossOn.OUTPUT, 512).rows());
            double[] after = gaps(d, items, teachersOf(ps), ps);
            System.out.println("answer log-prob gap, teacher with answer - without: before " + Arrays.toString(before)
                    + ", after " + Arrays.toString(after));
            for (int i = 0; i < items.size(); i++) {
                assertTrue(Math.abs(before[i]) < 0.1, "untrained: no gap " + before[i]);
                assertTrue(after[i] > 1, "the teacher given the answer prefers it: gap " + after[i]);
            }
        }
    }

    static final int STEPS = 160; // copying emerges between 80 and 120 steps here: 160 leaves a margin

    static Message answerOnly(WorldExample e) {
        return Message.assistant(null, e.task().answer());
    }

    /** Per item: log p(answer | teacher context) - log p(answer | student context), same weights. */
    static double[] gaps(Decoder d, List<WorldExample> items, List<Conversation> teachers,
            List<OpdObjective.Prompt> ps) {
        double[] out = new double[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Message c = answerOnly(items.get(i));
            String a = items.get(i).task().answer();
            out[i] = answerLogProb(d, teachers.get(i), c, a) - answerLogProb(d, ps.get(i).student(), c, a);
        }
        return out;
    }

    /** Trains the student saved in {@code init} for 6 steps in {@code dir} with FEEDBACK and the current weights. */
    static byte[] trainFeedback(Path dir, Path init, int stopAfter) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Decoder d = Checkpoint.load(Trainer.startingWeights(dir, init), m).model();
            TrainConfig cfg = TrainConfig.defaults().withSteps(6, 2).withLearningRate(3e-3).withCheckpointEvery(2);
            Trainer<OpdObjective.Prompt> t = new Trainer<>(cfg, 3e-3, new OpdObjective(null, TrainerTest.CHAT,
                    new OpdObjective.Settings(OpdLossType.FULL_VOCAB, 0.5, 1, 0.9, 12, LossOn.COT_OUTPUT, 7,
                            Privileged.FEEDBACK), VERIFIER), d, TrainerTest.TOK, dir, 42, Progress.SILENT);
            if (stopAfter > 0) {
                t.stopAfter(stopAfter);
            }
            t.train(prompts(items(8, FamilyName.ARITHMETIC, 5), Privileged.NONE));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            d.parameters().forEach((k, p) -> bytes.writeBytes(p.toByteArray()));
            d.close();
            return bytes.toByteArray();
        }
    }

    @Test
    void resumedFeedbackRunEndsLikeTheUninterruptedOne(@TempDir Path tmp) throws Exception {
        Path init = tmp.resolve("init");
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), m, 11)) {
            Checkpoint.save(init, d, TrainerTest.TOK, Map.of());
        }
        byte[] whole = trainFeedback(tmp.resolve("whole"), init, 0);
        Path cut = tmp.resolve("cut");
        trainFeedback(cut, init, 4);
        assertTrue(Files.isDirectory(cut.resolve(Trainer.CHECKPOINT)));
        assertArrayEquals(whole, trainFeedback(cut, init, 0), "resumed run ends with the uninterrupted run's weights");
        List<String> a = TrainerTest.losses(tmp.resolve("whole"));
        assertEquals(a, TrainerTest.losses(cut));
        assertTrue(TrainerTest.metrics(tmp.resolve("whole")).get(0).has("privileged_rows"), "feedback metrics logged");
    }
}
