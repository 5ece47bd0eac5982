package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PrivilegedPrompt;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;
import org.charlab.model.FormattedChat;
import org.charlab.model.Segment;

/**
 * On-policy distillation (GKD, Agarwal et al. 2023; Thinking Machines 2025; self-distillation with
 * privileged context as in SDFT/OCT). Per micro-batch: with probability {@code lmbda} the STUDENT
 * (its current weights, autograd off) samples a completion (CoT and output) for each student
 * context, otherwise the TEACHER samples one for its own context. The completion is then appended
 * to both contexts, which may differ (the teacher's privileged system prompt, the student's
 * inoculation prompt): the completion tokens are identical in both, only the prompts differ. Both
 * batches are LEFT-padded so every row ends with its completion's last token; the last L columns
 * (L = the longest completion) are then aligned position by position in both, and the loss of
 * {@link DistillLoss} runs over the completion tokens {@code loss_on} selects.
 *
 * <p>Completions are re-rendered from the sample's (cot, output) text by {@link ChatFormat}; with
 * the byte tokenizer this gives the sampled ids, with a BPE tokenizer the rendering can differ
 * from the sampled ids in rare merges. A completion cut at max_new_tokens is closed by the
 * renderer (its think marker / im_end are template tokens, outside output and cot+output).
 *
 * <p>Privileged information ({@link Privileged}, {@link PrivilegedPrompt}): with ANSWER the
 * teacher's context already carries the reference answer (built once per prompt); with FEEDBACK
 * the teacher's context of each row is built after sampling, from the verifier's verdict on the
 * student's own attempt, and a row with no feedback (a correct attempt) is left out of the loss
 * (its mask is zero: SDPO's self-distillation mask). The teacher is a frozen model, or with a null
 * teacher the policy itself (its current weights, read with autograd off: SDPO's self-teacher; under
 * LoRA the adapters stay on).
 *
 * <p>The choice of sampler and the sampling seeds follow a counter of micro-batches, which the
 * trainer sets on a resume ({@link #startAt}), so a resumed run samples what the uninterrupted
 * run would have. {@link #sample} draws and tokenises a micro-batch; {@link #sliceLoss} is the loss
 * of some of its rows divided by the whole micro-batch's counted tokens, so the rows can train in
 * slices on lanes ({@link SampledObjective}).
 */
public final class OpdObjective implements SampledObjective<OpdObjective.Prompt, OpdObjective.Draw> {

    /**
     * One training prompt: the student's context, the teacher's (privileged) context, prompt tokens,
     * and the reference answer (null where none; the verifier of {@link Privileged#FEEDBACK} needs it).
     */
    public record Prompt(Conversation student, Conversation teacher, int promptTokens, String answer) {

        public Prompt(Conversation student, Conversation teacher, int promptTokens) {
            this(student, teacher, promptTokens, null);
        }
    }

    /** The loss settings. */
    public record Settings(OpdLossType loss, double beta, double lmbda, double temperature, int maxNewTokens,
            LossOn lossOn, long seed, Privileged privileged) {

        public Settings {
            privileged = privileged == null ? Privileged.NONE : privileged;
            if (privileged == Privileged.FEEDBACK && lmbda < 1) {
                throw new IllegalArgumentException("privileged feedback judges the student's own attempts: it needs "
                        + "lmbda 1");
            }
        }

        public Settings(OpdLossType loss, double beta, double lmbda, double temperature, int maxNewTokens,
                LossOn lossOn, long seed) {
            this(loss, beta, lmbda, temperature, maxNewTokens, lossOn, seed, Privileged.NONE);
        }
    }

    /** Whether an attempt's output is correct for a reference answer (the eval accuracy rule). */
    @FunctionalInterface
    public interface Verifier {
        boolean correct(String answer, String output);
    }

    private final Decoder teacher;
    private final ChatFormat chat;
    private final Settings s;
    private final Verifier verifier;
    private long calls;
    private int studentGenerations;
    private int teacherGenerations;

    /**
     * @param teacher frozen (not trainable) weights sharing the student's vocabulary, or null: the
     *     policy itself, its current weights (a self-teacher that moves with the student)
     */
    public OpdObjective(Decoder teacher, ChatFormat chat, Settings settings) {
        this(teacher, chat, settings, null);
    }

    /** @param verifier judges the student's attempts; required for {@link Privileged#FEEDBACK} */
    public OpdObjective(Decoder teacher, ChatFormat chat, Settings settings, Verifier verifier) {
        if (settings.privileged() == Privileged.FEEDBACK && verifier == null) {
            throw new IllegalArgumentException("privileged feedback needs a verifier");
        }
        this.teacher = teacher;
        this.chat = chat;
        this.s = settings;
        this.verifier = verifier;
    }

    /** Micro-batches whose completions the student sampled / the teacher sampled (tests count them). */
    public int studentGenerations() {
        return studentGenerations;
    }

    public int teacherGenerations() {
        return teacherGenerations;
    }

    @Override
    public int tokens(Prompt p) {
        return p.promptTokens() + s.maxNewTokens();
    }

    @Override
    public void startAt(long microBatch) {
        calls = microBatch;
    }

    /**
     * One micro-batch's completions in both contexts: row i is the student's context + completion
     * ({@code student}) and the teacher's ({@code teacher}); a row not {@code distilled} is left out of
     * the loss; {@code counted} is the micro-batch's counted completion tokens (the loss's normaliser).
     */
    public record Draw(List<Row> student, List<Row> teacher, boolean[] distilled, double counted,
            Map<String, Double> parts) implements Sampled {

        @Override
        public int rows() {
            return student.size();
        }
    }

    @Override
    public Draw sample(Decoder model, List<Prompt> batch) {
        long k = calls++;
        long seed = Generator.seedFor(s.seed(), (int) k);
        boolean onStudent = s.lmbda() >= 1 || (s.lmbda() > 0 && new SplittableRandom(seed).nextDouble() < s.lmbda());
        List<Conversation> contexts = new ArrayList<>(batch.size());
        for (Prompt p : batch) {
            contexts.add(onStudent ? p.student() : p.teacher());
        }
        SamplingParams sp = SamplingParams.sampled(s.temperature(), 1.0, s.maxNewTokens(), seed).withMaxBatch(64);
        List<Sample> samples = new Generator(onStudent ? model : teacherOf(model), chat).generate(contexts,
                ChatFormat.Prefill.none(), sp);
        if (onStudent) {
            studentGenerations++;
        } else {
            teacherGenerations++;
        }
        List<Message> completions = new ArrayList<>(samples.size());
        for (Sample x : samples) {
            completions.add(Message.assistant(x.cot(), x.output()));
        }
        Map<String, Double> extra = new LinkedHashMap<>();
        List<Conversation> teachers = teacherContexts(batch, samples, onStudent, extra);
        return draw(batch, teachers, completions, onStudent, extra);
    }

    /** The teacher's weights: the frozen model, or the policy itself (current weights). */
    private Decoder teacherOf(Decoder model) {
        return teacher != null ? teacher : model;
    }

    /**
     * The teacher's context of each row after sampling: the prompt's own, or with FEEDBACK on the
     * student's attempts, the verdict on each attempt ({@link PrivilegedPrompt#feedback}); null for
     * a row the loss leaves out (no feedback, or no answer to judge by). With a privileged teacher, a
     * verifier and every micro-batch sampled by the student (lmbda 1, so every metrics line has the
     * same keys), puts {@code attempt_correct} (share of the judged attempts the verifier accepts)
     * and with FEEDBACK {@code privileged_rows} (share of rows given feedback) into {@code parts}.
     */
    public List<Conversation> teacherContexts(List<Prompt> batch, List<Sample> samples, boolean onStudent,
            Map<String, Double> parts) {
        List<Conversation> out = new ArrayList<>(batch.size());
        boolean feedback = s.privileged() == Privileged.FEEDBACK;
        boolean judge = onStudent && verifier != null && s.privileged() != Privileged.NONE && s.lmbda() >= 1;
        int correct = 0;
        int judged = 0;
        int fed = 0;
        for (int i = 0; i < batch.size(); i++) {
            Prompt p = batch.get(i);
            if (!judge || p.answer() == null) {
                out.add(feedback ? null : p.teacher());
                continue;
            }
            judged++;
            Sample x = samples.get(i);
            boolean ok = verifier.correct(p.answer(), x.output());
            correct += ok ? 1 : 0;
            if (!feedback) {
                out.add(p.teacher());
                continue;
            }
            String f = PrivilegedPrompt.feedback(ok, x.stopReason() == Sample.StopReason.LENGTH, p.answer());
            fed += f != null ? 1 : 0;
            out.add(f == null ? null : PrivilegedPrompt.withFeedback(p.teacher(), f));
        }
        if (judge) {
            parts.put("attempt_correct", judged == 0 ? Double.NaN : correct / (double) judged);
            if (feedback) {
                parts.put("privileged_rows", fed / (double) batch.size());
            }
        }
        return out;
    }

    /** The loss of given completions under each prompt's own teacher context (tests call it directly). */
    public Loss lossOn(Decoder model, List<Prompt> batch, List<Message> completions, NDManager step, boolean onStudent) {
        List<Conversation> teachers = new ArrayList<>(batch.size());
        for (Prompt p : batch) {
            teachers.add(p.teacher());
        }
        return lossOn(model, batch, teachers, completions, step, onStudent, Map.of());
    }

    /**
     * The loss of given completions with the teacher reading {@code teachers.get(i)} for row i; a null
     * context leaves the row out of the loss (mask zero; its teacher pass reads the prompt's own).
     */
    public Loss lossOn(Decoder model, List<Prompt> batch, List<Conversation> teachers, List<Message> completions,
            NDManager step, boolean onStudent, Map<String, Double> extra) {
        return wholeLoss(model, draw(batch, teachers, completions, onStudent, extra), step);
    }

    /** The completions appended to both contexts and tokenised; the counted tokens of the micro-batch. */
    private Draw draw(List<Prompt> batch, List<Conversation> teachers, List<Message> completions, boolean onStudent,
            Map<String, Double> extra) {
        int b = batch.size();
        List<Row> st = new ArrayList<>(b);
        List<Row> te = new ArrayList<>(b);
        boolean[] distilled = new boolean[b];
        double counted = 0;
        for (int i = 0; i < b; i++) {
            Conversation tc = teachers.get(i) != null ? teachers.get(i) : batch.get(i).teacher();
            Row rs = Row.of(chat.format(append(batch.get(i).student(), completions.get(i))), s.lossOn());
            Row rt = Row.of(chat.format(append(tc, completions.get(i))), s.lossOn());
            int[] cs = Arrays.copyOfRange(rs.ids, rs.start, rs.ids.length);
            int[] ct = Arrays.copyOfRange(rt.ids, rt.start, rt.ids.length);
            if (!Arrays.equals(cs, ct)) {
                throw new IllegalStateException("student and teacher completions tokenised differently");
            }
            st.add(rs);
            te.add(rt);
            distilled[i] = teachers.get(i) != null;
            for (int at = rs.start; at < rs.ids.length && distilled[i]; at++) {
                counted += rs.count[at] ? 1 : 0;
            }
        }
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("student_sampled", onStudent ? 1.0 : 0.0);
        parts.putAll(extra);
        return new Draw(List.copyOf(st), List.copyOf(te), distilled, counted, parts);
    }

    /**
     * The distillation loss over rows {@code [from, to)}: both contexts left-padded to the slice's
     * longest, the last L columns (L = the slice's longest completion) aligned position by position,
     * summed over counted tokens and divided by the micro-batch's counted tokens.
     */
    @Override
    public Loss sliceLoss(Decoder model, Draw draw, int from, int to, NDManager step) {
        int b = to - from;
        List<Row> st = draw.student().subList(from, to);
        List<Row> te = draw.teacher().subList(from, to);
        int lmax = 1;
        for (Row r : st) {
            lmax = Math.max(lmax, r.ids.length - r.start);
        }
        // [B, L, V] over the last L predicting positions of each left-padded batch
        NDArray sl = lastLogits(model, st, lmax, step);
        NDArray tl;
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // the teacher builds no graph
        try {
            tl = lastLogits(teacherOf(model), te, lmax, step);
        } finally {
            JniUtils.setGradMode(grad);
        }
        if (sl.getShape().get(2) != tl.getShape().get(2)) {
            throw new IllegalArgumentException("teacher vocabulary " + tl.getShape().get(2) + " != student "
                    + sl.getShape().get(2));
        }
        long[] targets = new long[b * lmax];
        float[] mask = new float[b * lmax];
        double counted = 0;
        for (int r = 0; r < b; r++) {
            Row row = st.get(r);
            boolean distilled = draw.distilled()[from + r];
            int len = row.ids.length - row.start;
            for (int c = lmax - len; c < lmax; c++) {
                int at = row.start + c - (lmax - len);
                targets[r * lmax + c] = row.ids[at];
                mask[r * lmax + c] = distilled && row.count[at] ? 1f : 0f;
                counted += mask[r * lmax + c];
            }
        }
        double total = draw.counted(); // the whole micro-batch's: slices sum to its loss
        NDArray m = step.create(mask, new Shape(b, lmax));
        NDArray lps = DistillLoss.logProbs(sl, s.temperature(), step);
        NDArray lpt = DistillLoss.logProbs(tl, s.temperature(), step);
        NDArray loss = s.loss() == OpdLossType.FULL_VOCAB ? DistillLoss.jsd(lps, lpt, m, s.beta(), total, step)
                : DistillLoss.sampledToken(lps, lpt, step.create(targets, new Shape(b, lmax)), m, total, step);
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("reverse_kl", (double) DistillLoss.reverseKl(lps.stopGradient(), lpt, m, total, step).getFloat());
        parts.put("forward_kl", (double) DistillLoss.jsd(lps.stopGradient(), lpt, m, 0.0, total, step).getFloat());
        parts.put("distill_tokens", counted);
        return new Loss(loss, parts);
    }

    private static Conversation append(Conversation prompt, Message completion) {
        List<Message> ms = new ArrayList<>(prompt.prompt().messages());
        ms.add(completion);
        return new Conversation(ms);
    }

    /** Logits [B, lmax, V] predicting the last lmax tokens of each row, rows left-padded to the longest. */
    private static NDArray lastLogits(Decoder d, List<Row> rows, int lmax, NDManager step) {
        int b = rows.size();
        int t = 0;
        for (Row r : rows) {
            t = Math.max(t, r.ids.length);
        }
        long[] ids = new long[b * t];
        long[] pos = new long[b * t];
        float[] keyMask = new float[b * t];
        for (int r = 0; r < b; r++) {
            int[] x = rows.get(r).ids;
            int pad = t - x.length;
            for (int c = 0; c < t; c++) {
                ids[r * t + c] = c < pad ? 0 : x[c - pad];
                pos[r * t + c] = Math.max(0, c - pad);
                keyMask[r * t + c] = c < pad ? Decoder.MASKED : 0f;
            }
        }
        NDArray logits = d.forward(step.create(ids, new Shape(b, t)), step.create(pos, new Shape(b, t)),
                step.create(keyMask, new Shape(b, t)), null, false); // [B, T, V]
        return logits.get(new NDIndex(":, " + (t - 1 - lmax) + ":" + (t - 1))); // [B, lmax, V]
    }

    /** A formatted prompt + completion cut after the completion's last produced token. */
    record Row(int[] ids, int start, boolean[] count) {

        static Row of(FormattedChat f, LossOn on) {
            int last = -1;
            int end = -1;
            for (int i = 0; i < f.length(); i++) {
                if (f.assistant()[i] && f.produced()[i]) {
                    if (f.message()[i] > last) {
                        last = f.message()[i];
                    }
                }
            }
            int start = -1;
            for (int i = 0; i < f.length(); i++) {
                if (f.assistant()[i] && f.produced()[i] && f.message()[i] == last) {
                    start = start < 0 ? i : start;
                    end = i + 1;
                }
            }
            if (start < 1) {
                throw new IllegalStateException("no completion after a prompt");
            }
            int[] ids = Arrays.copyOf(f.ids(), end);
            boolean[] count = new boolean[end];
            for (int i = start; i < end; i++) {
                Segment g = f.segments()[i];
                count[i] = switch (on) {
                    case OUTPUT -> g == Segment.OUTPUT;
                    case COT -> g == Segment.COT;
                    case COT_OUTPUT -> g == Segment.OUTPUT || g == Segment.COT;
                    case ASSISTANT -> true;
                    case ALL -> throw new IllegalArgumentException("loss_on all would count the prompt; opd "
                            + "distills completions");
                };
            }
            return new Row(ids, start, count);
        }
    }
}
