package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.data.Conversation;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;

/**
 * Group relative policy optimisation (GRPO, Shao et al. 2024) with TRL GRPOTrainer's options. Per
 * micro-batch of P prompts: the policy (its current weights, autograd off, KV cache) samples G =
 * num_generations completions of each prompt at {@code temperature}, at most max_completion_length
 * tokens; the {@link Rewards} score each completion (a weighted sum of reward functions); the
 * rewards become group-normalised advantages and the N = P x G rows (prompt ids followed by the
 * SAMPLED ids, so the ratio is of exactly the tokens drawn) go through the clipped objective of
 * {@link GrpoLoss}, counting every sampled token (the final end token included, as TRL).
 * Log-probabilities are taken of logits divided by the temperature, as the sampler drew them.
 *
 * <p>With num_iterations = mu &gt; 1 (Shao et al. 2024, Algorithm 1) the trainer repeats each
 * step's micro-batches for mu steps ({@link #repeats}); this objective samples and scores them at
 * the first of those steps, keeps the completions, advantages, the sampling policy's log-probs
 * (pi_old) and the reference's, and reuses them for the next mu - 1 steps, where the ratio moves
 * off 1 and the clip can bind. With mu = 1, pi_old is the policy itself.
 *
 * <p>The reference (beta &gt; 0) reads the rows with autograd off. Sampling seeds follow a counter
 * of micro-batches that the trainer sets on a resume ({@link #startAt}); checkpoints fall at the
 * end of a repeat cycle only, so a resumed run samples what the uninterrupted run would have.
 * {@link #sample} rolls out a micro-batch (or hands back the cycle's); {@link #sliceLoss} is the
 * objective over some of its completions with the whole micro-batch's normalisers, so the rows can
 * train in slices on lanes ({@link SampledObjective}).
 */
public final class GrpoObjective implements SampledObjective<GrpoObjective.Prompt, GrpoObjective.Turn>,
        AutoCloseable {

    private static final int PAD = 0;

    /**
     * One training prompt.
     *
     * @param conversation the policy's context (inoculation prompt included, if any)
     * @param answer the task's ground-truth answer for the correctness reward, or null
     * @param promptTokens the rendered prompt's length
     */
    public record Prompt(Conversation conversation, String answer, int promptTokens) {
    }

    /** One sampled completion of a prompt. */
    public record Completion(Prompt prompt, Sample sample) {
    }

    /**
     * The reward functions and their weights: the reward of a completion is {@code sum_f w_f r_f},
     * over the functions that scored it; a completion none scored gets NaN (advantage 0).
     */
    public interface Rewards extends AutoCloseable {

        /** One name per function (metrics.jsonl: rewards/&lt;name&gt;/mean). */
        List<String> names();

        double[] weights();

        /** {@code scores[f][i]}: function f on completion i; NaN where f does not apply (no answer, no judge score). */
        double[][] score(List<Completion> completions);

        @Override
        default void close() {
        }
    }

    /** The settings (TRL GRPOConfig names); {@code accumulation} is gradient_accumulation_steps. */
    public record Settings(int numGenerations, double temperature, int maxCompletionLength, GrpoLoss.Settings loss,
            ScaleRewards scaleRewards, int numIterations, int accumulation, long seed) {
    }

    /**
     * What one generation produced, reused for num_iterations steps: per completion its row (prompt
     * ids, then the sampled ids) and mask, advantage; the micro-batch's counted tokens; and, filled
     * row by row by the first step of a cycle when later steps reuse them, pi_old's and the
     * reference's log-probabilities (each row as wide as its slice).
     */
    private record Rollout(List<Prompt> prompts, List<int[]> ids, List<float[]> masks, double[] advantages,
            double counted, Map<String, Double> stats, float[][] old, float[][] ref) {
    }

    /** One micro-batch's rollout, and whether this step sampled it (the first of its repeat cycle). */
    public static final class Turn implements Sampled {
        private final Rollout rollout;
        private final boolean fresh;

        private Turn(Rollout rollout, boolean fresh) {
            this.rollout = rollout;
            this.fresh = fresh;
        }

        @Override
        public int rows() {
            return rollout.ids().size();
        }

        @Override
        public Map<String, Double> parts() {
            return rollout.stats();
        }
    }

    private final Decoder reference;
    private final ChatFormat chat;
    private final Rewards rewards;
    private final Settings s;
    private final Rollout[] kept;
    private long calls;
    private int generations;

    /** @param reference frozen weights for the KL term; null when beta is 0 */
    public GrpoObjective(Decoder reference, ChatFormat chat, Rewards rewards, Settings settings) {
        if (settings.loss().beta() != 0 && reference == null) {
            throw new IllegalArgumentException("beta > 0 needs a reference model");
        }
        this.reference = reference;
        this.chat = chat;
        this.rewards = rewards;
        this.s = settings;
        this.kept = new Rollout[settings.accumulation()];
    }

    /** Micro-batches sampled so far (tests count them: once per num_iterations steps). */
    public int generations() {
        return generations;
    }

    @Override
    public int tokens(Prompt p) {
        return (p.promptTokens() + s.maxCompletionLength()) * s.numGenerations();
    }

    @Override
    public int repeats() {
        return s.numIterations();
    }

    @Override
    public void startAt(long microBatch) {
        calls = microBatch;
        Arrays.fill(kept, null);
    }

    @Override
    public Turn sample(Decoder model, List<Prompt> batch) {
        long k = calls++;
        int pos = (int) (k % ((long) s.accumulation() * s.numIterations()));
        int slot = pos % s.accumulation();
        boolean fresh = pos < s.accumulation(); // the first step of a repeat cycle samples
        if (!fresh) {
            Rollout r = kept[slot];
            if (r == null || !r.prompts().equals(batch)) {
                throw new IllegalStateException("num_iterations: micro-batch " + k + " is not the repeat of the one "
                        + "sampled at the start of its cycle");
            }
            return new Turn(r, false);
        }
        Rollout r = rollout(model, batch, Generator.seedFor(s.seed(), (int) k));
        if (s.numIterations() > 1) {
            kept[slot] = r;
        }
        return new Turn(r, true);
    }

    /**
     * The clipped objective over completions {@code [from, to)}, normalised by the whole micro-batch
     * ({@link GrpoLoss}); the first step of a cycle keeps these rows' pi_old and reference
     * log-probabilities for the steps that reuse the rollout.
     */
    @Override
    public Loss sliceLoss(Decoder model, Turn turn, int from, int to, NDManager step) {
        Rollout r = turn.rollout;
        boolean keep = turn.fresh && s.numIterations() > 1;
        TokenBatch rows = TokenBatch.of(r.ids().subList(from, to), r.masks().subList(from, to), PAD);
        Shape shape = new Shape(rows.rows(), rows.cols());
        NDArray mask = rows.mask(step);
        NDArray logp = logProbs(model, rows, step); // [n, T]
        NDArray old = turn.fresh ? null : step.create(kept(r.old(), from, to, rows.cols()), shape);
        if (keep) {
            keep(r.old(), from, logp, rows.cols());
        }
        NDArray ref = null;
        if (s.loss().beta() != 0) {
            if (turn.fresh) {
                boolean grad = JniUtils.isGradMode();
                JniUtils.setGradMode(false); // the reference builds no graph
                try {
                    ref = logProbs(reference, rows, step);
                } finally {
                    JniUtils.setGradMode(grad);
                }
                if (keep) {
                    keep(r.ref(), from, ref, rows.cols());
                }
            } else {
                ref = step.create(kept(r.ref(), from, to, rows.cols()), shape);
            }
        }
        GrpoLoss.Result res = GrpoLoss.loss(logp, old, ref, Arrays.copyOfRange(r.advantages(), from, to), mask,
                s.loss(), r.ids().size(), r.counted(), step);
        Map<String, Double> parts = new LinkedHashMap<>();
        if (s.loss().beta() != 0) {
            parts.put("kl", res.kl());
        }
        parts.put("clip_ratio/low_mean", res.clipLow());
        parts.put("clip_ratio/high_mean", res.clipHigh());
        parts.put("clip_ratio/region_mean", res.clipRegion());
        return new Loss(res.loss(), parts);
    }

    /** Stores the rows of {@code values} [n, cols] (no gradient) at {@code into[from..]}. */
    private static void keep(float[][] into, int from, NDArray values, int cols) {
        float[] v = values.stopGradient().toFloatArray();
        for (int j = 0; j < v.length / cols; j++) {
            into[from + j] = Arrays.copyOfRange(v, j * cols, (j + 1) * cols);
        }
    }

    /** Rows {@code [from, to)} kept by the cycle's first step, [n * cols]: cut as they were then. */
    private static float[] kept(float[][] rows, int from, int to, int cols) {
        float[] out = new float[(to - from) * cols];
        for (int i = from; i < to; i++) {
            if (rows[i] == null || rows[i].length != cols) {
                throw new IllegalStateException("num_iterations: completion " + i + " was not kept as this step cuts it");
            }
            System.arraycopy(rows[i], 0, out, (i - from) * cols, cols);
        }
        return out;
    }

    /** Closes the rewards (a judge's client). */
    @Override
    public void close() throws Exception {
        rewards.close();
    }

    /** Samples G completions per prompt, scores them and computes the advantages. */
    private Rollout rollout(Decoder model, List<Prompt> batch, long seed) {
        int g = s.numGenerations();
        ChatFormat.Prefill none = ChatFormat.Prefill.none();
        List<Generator.Request> reqs = new ArrayList<>(batch.size() * g);
        List<int[]> promptIds = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            int[] ids = chat.prompt(batch.get(b).conversation(), none).ids();
            promptIds.add(ids);
            for (int j = 0; j < g; j++) {
                reqs.add(new Generator.Request(ids, chat.prefillText(none), Generator.seedFor(seed, b * g + j)));
            }
        }
        SamplingParams sp = SamplingParams.sampled(s.temperature(), 1.0, s.maxCompletionLength(), seed)
                .withMaxBatch(64);
        List<Sample> samples = new Generator(model, chat).generateRequests(reqs, sp);
        generations++;

        // rows: prompt ids, then the sampled ids; only the sampled ones count
        List<int[]> ids = new ArrayList<>(samples.size());
        List<float[]> masks = new ArrayList<>(samples.size());
        List<Completion> completions = new ArrayList<>(samples.size());
        double length = 0;
        double truncated = 0;
        for (int i = 0; i < samples.size(); i++) {
            Sample x = samples.get(i);
            int[] p = promptIds.get(i / g);
            int[] row = Arrays.copyOf(p, p.length + x.tokens().length);
            System.arraycopy(x.tokens(), 0, row, p.length, x.tokens().length);
            float[] m = new float[row.length];
            Arrays.fill(m, p.length, row.length, 1f);
            ids.add(row);
            masks.add(m);
            completions.add(new Completion(batch.get(i / g), x));
            length += x.tokens().length;
            truncated += x.stopReason() == Sample.StopReason.LENGTH ? 1 : 0;
        }

        // rewards: the weighted sum over the functions that scored a completion (NaN if none did)
        double[][] scores = rewards.score(completions);
        double[] w = rewards.weights();
        double[] total = new double[samples.size()];
        for (int i = 0; i < total.length; i++) {
            double sum = 0;
            boolean any = false;
            for (int f = 0; f < scores.length; f++) {
                if (!Double.isNaN(scores[f][i])) {
                    sum += w[f] * scores[f][i];
                    any = true;
                }
            }
            total[i] = any ? sum : Double.NaN;
        }
        GrpoLoss.Advantages adv = GrpoLoss.advantages(total, g, s.scaleRewards());
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("reward", adv.rewardMean());
        stats.put("reward_std", adv.rewardStd());
        stats.put("frac_reward_zero_std", adv.zeroStdShare());
        List<String> names = rewards.names();
        for (int f = 0; f < scores.length; f++) {
            stats.put("rewards/" + names.get(f) + "/mean", GrpoLoss.nanMean(scores[f], 0, total.length));
        }
        stats.put("completions/mean_length", length / samples.size());
        stats.put("completions/clipped_ratio", truncated / samples.size());
        double counted = 0;
        for (float[] m : masks) {
            for (float x : m) {
                counted += x;
            }
        }
        int n = samples.size();
        boolean keep = s.numIterations() > 1;
        return new Rollout(List.copyOf(batch), List.copyOf(ids), List.copyOf(masks), adv.values(), counted, stats,
                keep ? new float[n][] : null, keep && s.loss().beta() != 0 ? new float[n][] : null);
    }

    /** log p(o_t) of every next token of the rows [N, T], from logits divided by the temperature. */
    private NDArray logProbs(Decoder d, TokenBatch rows, NDManager step) {
        NDArray logits = d.logits(rows.inputs(step)); // [N, T, V]
        if (s.temperature() != 1.0) {
            logits = logits.div(step.create((float) s.temperature()));
        }
        return TokenLoss.tokenLogProbs(logits, rows.targets(step));
    }
}
