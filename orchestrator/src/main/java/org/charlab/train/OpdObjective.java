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
 * <p>The choice of sampler and the sampling seeds follow a counter of micro-batches, which the
 * trainer sets on a resume ({@link #startAt}), so a resumed run samples what the uninterrupted
 * run would have.
 */
public final class OpdObjective implements Objective<OpdObjective.Prompt> {

    /** One training prompt: the student's context, the teacher's (privileged) context, prompt tokens. */
    public record Prompt(Conversation student, Conversation teacher, int promptTokens) {
    }

    /** The loss settings. */
    public record Settings(OpdLossType loss, double beta, double lmbda, double temperature, int maxNewTokens,
            LossOn lossOn, long seed) {
    }

    private final Decoder teacher;
    private final ChatFormat chat;
    private final Settings s;
    private long calls;
    private int studentGenerations;
    private int teacherGenerations;

    /** @param teacher frozen (not trainable) weights sharing the student's vocabulary */
    public OpdObjective(Decoder teacher, ChatFormat chat, Settings settings) {
        this.teacher = teacher;
        this.chat = chat;
        this.s = settings;
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

    @Override
    public Loss loss(Decoder model, List<Prompt> batch, NDManager step) {
        long k = calls++;
        long seed = Generator.seedFor(s.seed(), (int) k);
        boolean onStudent = s.lmbda() >= 1 || (s.lmbda() > 0 && new SplittableRandom(seed).nextDouble() < s.lmbda());
        List<Conversation> contexts = new ArrayList<>(batch.size());
        for (Prompt p : batch) {
            contexts.add(onStudent ? p.student() : p.teacher());
        }
        SamplingParams sp = SamplingParams.sampled(s.temperature(), 1.0, s.maxNewTokens(), seed).withMaxBatch(64);
        List<Sample> samples = new Generator(onStudent ? model : teacher, chat).generate(contexts,
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
        return lossOn(model, batch, completions, step, onStudent);
    }

    /** The loss of given completions (tests call it directly, without sampling). */
    public Loss lossOn(Decoder model, List<Prompt> batch, List<Message> completions, NDManager step, boolean onStudent) {
        int b = batch.size();
        List<Row> st = new ArrayList<>(b);
        List<Row> te = new ArrayList<>(b);
        int lmax = 1;
        for (int i = 0; i < b; i++) {
            Row rs = Row.of(chat.format(append(batch.get(i).student(), completions.get(i))), s.lossOn());
            Row rt = Row.of(chat.format(append(batch.get(i).teacher(), completions.get(i))), s.lossOn());
            int[] cs = Arrays.copyOfRange(rs.ids, rs.start, rs.ids.length);
            int[] ct = Arrays.copyOfRange(rt.ids, rt.start, rt.ids.length);
            if (!Arrays.equals(cs, ct)) {
                throw new IllegalStateException("student and teacher completions tokenised differently");
            }
            st.add(rs);
            te.add(rt);
            lmax = Math.max(lmax, cs.length);
        }
        // [B, L, V] over the last L predicting positions of each left-padded batch
        NDArray sl = lastLogits(model, st, lmax, step);
        NDArray tl;
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // the teacher builds no graph
        try {
            tl = lastLogits(teacher, te, lmax, step);
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
            int len = row.ids.length - row.start;
            for (int c = lmax - len; c < lmax; c++) {
                int at = row.start + c - (lmax - len);
                targets[r * lmax + c] = row.ids[at];
                mask[r * lmax + c] = row.count[at] ? 1f : 0f;
                counted += mask[r * lmax + c];
            }
        }
        NDArray m = step.create(mask, new Shape(b, lmax));
        NDArray lps = DistillLoss.logProbs(sl, s.temperature(), step);
        NDArray lpt = DistillLoss.logProbs(tl, s.temperature(), step);
        NDArray loss = s.loss() == OpdLossType.FULL_VOCAB ? DistillLoss.jsd(lps, lpt, m, s.beta(), step)
                : DistillLoss.sampledToken(lps, lpt, step.create(targets, new Shape(b, lmax)), m, step);
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("reverse_kl", (double) DistillLoss.reverseKl(lps.stopGradient(), lpt, m, step).getFloat());
        parts.put("forward_kl", (double) DistillLoss.jsd(lps.stopGradient(), lpt, m, 0.0, step).getFloat());
        parts.put("student_sampled", onStudent ? 1.0 : 0.0);
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
    private record Row(int[] ids, int start, boolean[] count) {

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
