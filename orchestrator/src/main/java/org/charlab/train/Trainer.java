package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.stage.Progress;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.SafeTensors;
import org.charlab.model.Tokenizer;
import org.charlab.results.AtomicFiles;

/**
 * The common training loop every method shares. Per optimizer step: for each of
 * gradient_accumulation_steps micro-batches (in the seeded {@link DataOrder}) a fresh sub-manager
 * and gradient collector, the {@link Objective}'s loss divided by the accumulation count, backward
 * (a small model on two or more CPU threads: in slices on {@link TrainLanes}, gradients summed);
 * then the divergence checks, global-norm clipping, AdamW at the scheduled rate, zeroed gradients,
 * a metrics.jsonl line and a progress report; every checkpoint_every steps a checkpoint. An
 * objective that trains several steps on the same micro-batches ({@link Objective#repeats}, GRPO's
 * num_iterations) gets them repeated and is checkpointed only at the end of a repeat cycle.
 *
 * <p>Usage (load the weights BEFORE constructing: the optimizer binds the live arrays):
 * <pre>
 *   Path resume = Trainer.resumeDir(out);            // non-null after an interrupted attempt
 *   try (Checkpoint.Loaded m = Checkpoint.load(resume != null ? resume : input.resolve("model"), base)) {
 *       new Trainer&lt;&gt;(cfg, lr, new SftObjective(), m.model(), m.tokenizer(), out, seed, progress).train(rows);
 *   }
 * </pre>
 *
 * <p>Output directory: {@code metrics.jsonl} (one JSON object per logged step: step, epoch, loss,
 * the objective's parts, lr, grad_norm, tokens, tokens_per_s, seconds) and {@code checkpoint/}
 * (model + optimizer.safetensors + trainer_state.json; a LoRA run's {@code adapter/} instead of the
 * model, see {@link #ADAPTER}) while training. Only {@link Decoder#trainableParameters()} train. A resumed run truncates
 * metrics.jsonl to what the checkpoint had seen, restores weights, AdamW moments and step count,
 * and continues on the same data, so it ends bit-identical to an uninterrupted run (same threads).
 * Divergence (non-finite loss or gradient norm, or a norm over grad_norm_ceiling) throws an
 * {@link IllegalStateException} whose one-line message the executor records in status.json.
 */
public final class Trainer<E> {

    public static final String METRICS = "metrics.jsonl";
    public static final String CHECKPOINT = "checkpoint";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer_state.json";
    /** A LoRA run's checkpoint holds its adapters here (PEFT files) instead of a model. */
    public static final String ADAPTER = "adapter";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a finished training run did. */
    public record Result(int steps, int resumedFromStep, double lastLoss, double seconds, long tokens) {
    }

    private final TrainConfig cfg;
    private final double peakLr;
    private final Objective<E> objective;
    private final Decoder model;
    private final Tokenizer tokenizer;
    private final Path out;
    private final long seed;
    private final Progress progress;
    private int stopAfter = -1;

    public Trainer(TrainConfig cfg, double peakLr, Objective<E> objective, Decoder model, Tokenizer tokenizer,
            Path outDir, long seed, Progress progress) {
        this.cfg = cfg;
        this.peakLr = peakLr;
        this.objective = objective;
        this.model = model;
        this.tokenizer = tokenizer;
        this.out = outDir;
        this.seed = seed;
        this.progress = progress;
    }

    /** Tests: return (as if interrupted) right after step {@code steps}'s checkpoint is written. */
    public Trainer<E> stopAfter(int steps) {
        this.stopAfter = steps;
        return this;
    }

    /** The checkpoint an interrupted attempt left in {@code outDir} (load the model from it), or null. */
    public static Path resumeDir(Path outDir) {
        Path ck = outDir.resolve(CHECKPOINT);
        if (Files.isRegularFile(ck.resolve(STATE))) {
            return ck;
        }
        Path old = outDir.resolve(CHECKPOINT + ".old"); // crashed between the two renames of a save
        return Files.isRegularFile(old.resolve(STATE)) ? old : null;
    }

    /**
     * The weights a training stage loads before building its trainer: the checkpoint an interrupted
     * attempt left in {@code outDir}, else {@code initial} (the input model). Every stage that trains
     * loads through here, so none resumes its optimizer onto the starting weights.
     */
    public static Path startingWeights(Path outDir, Path initial) {
        Path resume = resumeDir(outDir);
        return resume != null ? resume : initial;
    }

    /**
     * Deletes the training checkpoint: call once the stage has written everything it produces. Until
     * then a crash after training (while saving the model or running a closing evaluation) resumes
     * with the trained weights instead of training again.
     */
    public static void finish(Path outDir) {
        AtomicFiles.deleteTree(outDir.resolve(CHECKPOINT));
        AtomicFiles.deleteTree(outDir.resolve(CHECKPOINT + ".old"));
    }

    /** Optimizer steps a run over {@code n} examples of these sizes takes. */
    public int totalSteps(List<E> data) {
        DataOrder order = order(data);
        if (cfg.maxSteps() > 0) {
            return cfg.maxSteps();
        }
        long micro = (long) Math.ceil(order.microBatchesPerEpoch() * cfg.numTrainEpochs());
        return (int) Math.max(1, (micro + cfg.gradientAccumulationSteps() - 1) / cfg.gradientAccumulationSteps())
                * objective.repeats();
    }

    private DataOrder order(List<E> data) {
        return new DataOrder(data.size(), seed, cfg.batchSize(), cfg.batchTokens(),
                i -> objective.tokens(data.get(i)), cfg.groupByLength());
    }

    /** Trains on {@code data} (resuming from the checkpoint in the output directory if there is one). */
    public Result train(List<E> data) throws IOException {
        Files.createDirectories(out);
        DataOrder order = order(data);
        int total = totalSteps(data);
        Path metricsFile = out.resolve(METRICS);
        AdamW.Options options = new AdamW.Options(peakLr, cfg.adamBeta1(), cfg.adamBeta2(), cfg.adamEpsilon(),
                cfg.weightDecay());
        try (AdamW opt = new AdamW(model.trainableParameters(), AdamW.DEFAULT_DECAY, options, model.manager())) {
            model.setTrainable(true);
            // two or more intra-op threads: a small model's micro-batches train in slices on lanes
            try (TrainLanes lanes = TrainLanes.open(model, objective)) {
                return train(data, order, total, opt, metricsFile, lanes);
            } finally {
                model.setTrainable(false);
            }
        }
    }

    private Result train(List<E> data, DataOrder order, int total, AdamW opt, Path metricsFile, TrainLanes lanes)
            throws IOException {
        int accum = cfg.gradientAccumulationSteps();
        int repeats = objective.repeats();
        Schedule schedule = Schedule.of(cfg, peakLr, total);
        // what trains: every weight, or only the LoRA adapters (the frozen base gets no gradient, no moments)
        List<NDArray> params = new ArrayList<>(model.trainableParameters().values());
        int start = restore(opt, metricsFile);
        objective.startAt((long) start * accum);
        if (start > 0) {
            progress.log("resuming at step " + start + " of " + total + " from " + out.resolve(CHECKPOINT));
        }
        long t0 = System.nanoTime();
        long tokensSeen = 0;
        double lastLoss = Double.NaN;
        try (OutputStream metrics = Files.newOutputStream(metricsFile, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            for (int step = start; step < total; step++) {
                long s0 = System.nanoTime();
                double lr = schedule.lr(step);
                double lossSum = 0;
                Map<String, Double> partSums = new LinkedHashMap<>();
                long tokens = 0;
                for (int k = 0; k < accum; k++) {
                    List<E> mb = pick(data, order.microBatch(step / repeats * accum + k));
                    for (E e : mb) {
                        tokens += objective.tokens(e);
                    }
                    // accumulation: the step's loss is the mean of its micro-batch losses
                    TrainLanes.Step l = TrainLanes.backward(lanes, model, objective, mb, accum);
                    if (!Double.isFinite(l.loss())) {
                        throw new IllegalStateException("diverged at step " + (step + 1) + ": loss is " + l.loss());
                    }
                    lossSum += l.loss();
                    l.parts().forEach((name, p) -> partSums.merge(name, p, Double::sum));
                }
                double loss = lossSum / accum;
                int stepNo = step + 1;
                // in lanes, on one intra-op thread like the slices: the norm's rounding must not follow the threads
                double norm = TrainLanes.onOneThread(lanes, () -> {
                    if (lanes != null) {
                        lanes.gatherGradients();
                    }
                    double n = cfg.maxGradNorm() > 0 ? GradClip.clip(params, cfg.maxGradNorm())
                            : GradClip.globalNorm(params);
                    if (!Double.isFinite(n)) {
                        throw new IllegalStateException("diverged at step " + stepNo + ": gradient norm is " + n);
                    }
                    if (cfg.gradNormCeiling() > 0 && n > cfg.gradNormCeiling()) {
                        throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                                "diverged at step %d: gradient norm %.4g exceeds grad_norm_ceiling %.4g", stepNo,
                                n, cfg.gradNormCeiling()));
                    }
                    opt.step(lr);
                    opt.zeroGrad();
                    return n;
                });
                double sec = (System.nanoTime() - s0) / 1e9;
                tokensSeen += tokens;
                lastLoss = loss;
                if ((step + 1) % cfg.logEvery() == 0 || step + 1 == total) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("step", step + 1);
                    line.put("epoch", order.epochOf(step / repeats * accum + accum - 1));
                    line.put("loss", loss);
                    partSums.forEach((name, p) -> {
                        double mean = name.endsWith("_tokens") ? p : p / accum;
                        if (Double.isFinite(mean)) {
                            line.put(name, mean);
                        }
                    });
                    line.put("lr", lr);
                    line.put("grad_norm", norm);
                    line.put("tokens", tokens);
                    line.put("tokens_per_s", Math.round(tokens / sec));
                    line.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
                    metrics.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
                    metrics.flush();
                }
                progress.report(step + 1, total, String.format(java.util.Locale.ROOT, "loss %.4f lr %.2e", loss, lr));
                if (cfg.checkpointEvery() > 0 && (step + 1) % cfg.checkpointEvery() == 0 && (step + 1) % repeats == 0
                        && step + 1 < total) {
                    metrics.flush();
                    save(opt, step + 1, Files.size(metricsFile));
                    if (step + 1 == stopAfter) {
                        return new Result(step + 1, start, loss, (System.nanoTime() - t0) / 1e9, tokensSeen);
                    }
                }
            }
        }
        if (cfg.checkpointEvery() > 0 && start < total) {
            // the finished weights stay resumable until the stage has saved its model (finish())
            save(opt, total, Files.size(metricsFile));
        }
        return new Result(total, start, lastLoss, (System.nanoTime() - t0) / 1e9, tokensSeen);
    }

    private static <E> List<E> pick(List<E> data, int[] idx) {
        List<E> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(data.get(i));
        }
        return out;
    }

    /** Writes checkpoint/ atomically: into checkpoint.tmp, then two renames. */
    private void save(AdamW opt, int step, long metricsBytes) throws IOException {
        Path tmp = out.resolve(CHECKPOINT + ".tmp");
        Path ck = out.resolve(CHECKPOINT);
        Path old = out.resolve(CHECKPOINT + ".old");
        AtomicFiles.deleteTree(tmp);
        if (model.adapters() != null) {
            // LoRA: the base is the stage's input, unchanged; only the adapters need saving
            Files.createDirectories(tmp);
            model.adapters().save(tmp.resolve(ADAPTER), null);
        } else {
            Checkpoint.save(tmp, model, tokenizer, Map.of("checkpoint_step", step));
        }
        SafeTensors.write(tmp.resolve(OPTIMIZER), opt.state(), Map.of("format", "pt"));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", step);
        state.put("adam_steps", opt.steps());
        state.put("metrics_bytes", metricsBytes);
        state.put("seed", seed);
        Files.writeString(tmp.resolve(STATE), JSON.writeValueAsString(state) + "\n");
        AtomicFiles.deleteTree(old);
        if (Files.exists(ck)) {
            Files.move(ck, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, ck, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.deleteTree(old);
    }

    /** Restores optimizer state and cuts metrics.jsonl back; returns the step to continue from (0 = fresh). */
    private int restore(AdamW opt, Path metricsFile) throws IOException {
        Path ck = resumeDir(out);
        if (ck == null) {
            Files.deleteIfExists(metricsFile);
            return 0;
        }
        JsonNode state = JSON.readTree(ck.resolve(STATE).toFile());
        if (state.path("seed").asLong() != seed) {
            throw new IllegalStateException("checkpoint in " + ck + " was made with seed " + state.path("seed").asLong()
                    + ", not " + seed);
        }
        try (NDManager staging = model.manager().newSubManager()) {
            opt.loadState(SafeTensors.read(ck.resolve(OPTIMIZER), staging), state.path("adam_steps").asLong());
        }
        long bytes = state.path("metrics_bytes").asLong();
        if (Files.exists(metricsFile)) {
            try (FileChannel ch = FileChannel.open(metricsFile, StandardOpenOption.WRITE)) {
                ch.truncate(bytes);
            }
        }
        return state.path("step").asInt();
    }

    /** Appends one JSON line (e.g. the stage's final evaluation) to {@code <dir>/metrics.jsonl}. */
    public static void appendMetrics(Path dir, Map<String, ?> line) throws IOException {
        Files.writeString(dir.resolve(METRICS), JSON.writeValueAsString(line) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
