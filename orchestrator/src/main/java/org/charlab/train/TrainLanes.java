package org.charlab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.model.Decoder;
import org.charlab.model.Lanes;
import org.charlab.model.ModelConfig;

/**
 * Training a small model on CPU in lanes: data parallelism inside one process. A micro-batch's rows
 * are cut into {@link Lanes#parts()} contiguous slices (one per core of the machine, at most one per
 * row); each slice trains on a {@link Lanes} thread with one intra-op thread, slice 0 on the model
 * itself and slice i on its own {@link Decoder#laneView} (the same weights as separate leaves), with
 * the objective's {@link SlicedObjective#sliceLoss} (normalised by the whole micro-batch). Before the
 * optimizer step the views' gradients are added to the model's in slice order, so the step sees the
 * micro-batch's gradient: the sum of the slices' (equal to one pass over the whole batch up to float
 * rounding).
 *
 * <p>The slices depend on the machine and the micro-batch only; how many run at once
 * ({@link Lanes#threads()}: the stage's share of the cores, or every free core when it runs alone)
 * does not change a bit, because every slice has its own view and gradient and runs on one intra-op
 * thread wherever it runs. So a stage trains the same weights under {@code --jobs 1} and
 * {@code --jobs 2}, run after run and across resumes.
 *
 * <p>Why lanes: a tiny model's ops are small. On two intra-op threads each parallel op is split over
 * OpenMP workers that, under OMP_WAIT_POLICY=PASSIVE (the launcher's default), sleep between ops
 * and are woken for every one. {@code bench model}'s tiny training at 16 x 256 ran 8,589-11,254
 * tokens/s in two lanes against 5,576-10,128 on the caller in the same runs (2026-12-03,
 * docs/performance.md).
 *
 * <p>On-policy objectives ({@link SampledObjective}: distillation, GRPO) sample each micro-batch on
 * the calling thread first - their decoding runs in lanes of its own, and lanes do not nest - and
 * then train the sampled rows in slices the same way.
 *
 * <p>Only for {@link SlicedObjective sliced} and {@link SampledObjective sampled} objectives (every
 * training method charlab has), full fine-tunes (no adapters), CPU, weights up to
 * {@link #MAX_WEIGHT_BYTES}, and machines of two or more cores.
 */
final class TrainLanes implements AutoCloseable {

    /**
     * Largest model (fp32 weight bytes) trained in lanes: room for the 25m bench model (101 MB), where lanes
     * were measured (717-803 against 651-683 tokens/s on the caller); larger models were not measured.
     */
    static final long MAX_WEIGHT_BYTES = 128L << 20;

    /** The loss of one micro-batch (as the objective reports it, before dividing for accumulation) and its parts. */
    record Step(double loss, Map<String, Double> parts) {
    }

    private final Decoder model;
    private final int parts;
    /** The views of slices 1, 2, ...: made when a micro-batch first needs them. */
    private final List<Decoder> views = new ArrayList<>();

    private TrainLanes(Decoder model, int parts) {
        this.model = model;
        this.parts = parts;
    }

    /**
     * Lanes for training {@code model} on {@code objective}, or null when it trains on the calling
     * thread (a one-core machine, GPU, adapters, a large model, an objective that neither slices its
     * examples nor its sampled rows).
     * Call after the model's weights are trainable; close before the model.
     */
    static TrainLanes open(Decoder model, Objective<?> objective) {
        return open(model, objective, Lanes.parts());
    }

    /** {@link #open(Decoder, Objective)} cutting micro-batches into {@code parts} slices. */
    static TrainLanes open(Decoder model, Objective<?> objective, int parts) {
        boolean slices = objective instanceof SlicedObjective || objective instanceof SampledObjective;
        if (parts < 2 || !slices || model.manager().getDevice().isGpu()
                || model.adapters() != null || !laneSized(model.config())) {
            return null;
        }
        return new TrainLanes(model, parts);
    }

    /** Whether a model of {@code cfg} is small enough to train in lanes on CPU. */
    static boolean laneSized(ModelConfig cfg) {
        return cfg.parameterCount() * 4 <= MAX_WEIGHT_BYTES;
    }

    /** How many slices a micro-batch of at least that many rows is cut into. */
    int parts() {
        return parts;
    }

    /** How many slices train at once: {@link Lanes#threads()}, at most {@link #parts()}. */
    int lanes() {
        return Math.max(1, Math.min(Lanes.threads(), parts));
    }

    /**
     * The backward pass of micro-batch {@code batch}, its loss divided by {@code divisor} (the
     * accumulation count): in slices on lane threads when {@code lanes} is non-null (a one-row batch
     * too, so that it runs on one intra-op thread as its slices would), else in one pass on the
     * calling thread. Gradients accumulate (into the views' own until {@link #gatherGradients}).
     */
    static <E> Step backward(TrainLanes lanes, Decoder model, Objective<E> objective, List<E> batch, int divisor) {
        if (lanes != null && objective instanceof SampledObjective<E, ?> sampled) {
            return lanes.sampledBackward(sampled, batch, divisor);
        }
        if (lanes != null) {
            return lanes.backward((SlicedObjective<E>) objective, batch, divisor); // open() only for these two
        }
        try (NDManager step = model.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Objective.Loss l = objective.loss(model, batch, step);
            double v = l.value().getFloat();
            gc.backward(divisor == 1 ? l.value() : l.value().div(step.create((float) divisor)));
            return new Step(v, l.parts());
        }
    }

    private <E> Step backward(SlicedObjective<E> objective, List<E> batch, int divisor) {
        int n = Math.max(1, Math.min(parts, batch.size()));
        return slices(n, divisor, (d, i, step) -> objective.sliceLoss(d,
                batch.subList(batch.size() * i / n, batch.size() * (i + 1) / n), batch, step));
    }

    /**
     * An on-policy micro-batch: sampled here, on the calling thread (its decoding runs in lanes of its
     * own, and lanes do not nest), then its rows trained in slices.
     */
    private <E, S extends SampledObjective.Sampled> Step sampledBackward(SampledObjective<E, S> objective,
            List<E> batch, int divisor) {
        S sampled = objective.sample(model, batch);
        int rows = sampled.rows();
        int n = Math.max(1, Math.min(parts, rows));
        Step s = slices(n, divisor, (d, i, step) -> objective.sliceLoss(d, sampled, rows * i / n,
                rows * (i + 1) / n, step));
        return new Step(s.loss(), SampledObjective.withSampledParts(sampled, s.parts()));
    }

    /** The loss of slice {@code i} with decoder {@code d} (the model or a view), its arrays in {@code step}. */
    @FunctionalInterface
    private interface SliceLoss {
        Objective.Loss of(Decoder d, int i, NDManager step);
    }

    /** Runs {@code n} slices' backward passes on the lanes; their losses and parts summed in slice order. */
    private Step slices(int n, int divisor, SliceLoss sliceLoss) {
        while (views.size() < n - 1) {
            Decoder v = model.laneView(model.manager());
            v.setTrainable(true);
            views.add(v);
        }
        List<Step> slices = Lanes.each(lanes(), n, i -> {
            Decoder d = i == 0 ? model : views.get(i - 1);
            JniUtils.setGradMode(true); // lane threads keep it off between tasks
            try (NDManager step = d.manager().newSubManager()) {
                Objective.Loss l = sliceLoss.of(d, i, step);
                double v = l.value().getFloat();
                NDArray scaled = divisor == 1 ? l.value() : l.value().div(step.create((float) divisor));
                JniUtils.backward((PtNDArray) scaled, (PtNDArray) step.ones(scaled.getShape()), false, false);
                return List.of(new Step(v, l.parts()));
            } finally {
                JniUtils.setGradMode(false);
            }
        });
        double loss = 0;
        Map<String, Double> parts = new LinkedHashMap<>();
        for (Step s : slices) {
            loss += s.loss();
            s.parts().forEach((name, p) -> parts.merge(name, p, Double::sum));
        }
        return new Step(loss, parts);
    }

    /**
     * Runs the optimizer side of a step ({@code work}: gathering, clipping, the update) on one intra-op
     * thread - on a lane thread when {@code lanes} is non-null, else here. PyTorch sums a reduction
     * larger than 32,768 elements (a gradient norm over the embedding) in one part per intra-op thread,
     * so on the caller its rounding, the clip and the weights would follow the stage's thread count.
     * A failure inside reaches the caller as itself.
     */
    static double onOneThread(TrainLanes lanes, java.util.function.DoubleSupplier work) {
        if (lanes == null) {
            return work.getAsDouble();
        }
        return Lanes.each(1, 1, i -> List.of(work.getAsDouble())).get(0);
    }

    /**
     * Adds each view's gradients to the model's, in slice order, and zeroes the views': call once
     * per optimizer step, after the last micro-batch and before clipping.
     */
    void gatherGradients() {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = model.manager().newSubManager()) {
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                // JniUtils.getGradient: null when no backward reached the weight (NDArray.getGradient
                // would hand out a detached zeros array, and adding into that would lose the sum)
                NDArray g = JniUtils.getGradient((PtNDArray) e.getValue());
                if (g != null) {
                    g.attach(scope); // the wrapper only; the storage stays with the weight
                }
                for (int i = 0; i < views.size(); i++) {
                    PtNDArray alias = (PtNDArray) views.get(i).parameters().get(e.getKey());
                    NDArray ga = JniUtils.getGradient(alias);
                    if (ga == null) {
                        continue; // this slice never reached the weight (or no batch needed its view yet)
                    }
                    ga.attach(scope);
                    if (g == null) {
                        throw new IllegalStateException("slice " + (i + 1) + " has a gradient for " + e.getKey()
                                + " and slice 0 none");
                    }
                    g.addi(ga);
                    JniUtils.zeroGrad(alias);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    @Override
    public void close() {
        for (Decoder v : views) {
            v.setTrainable(false);
            v.close();
        }
    }
}
