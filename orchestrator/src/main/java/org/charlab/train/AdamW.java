package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.charlab.model.Decoder;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, Algorithm 2), updating the
 * parameters in place:
 * <pre>
 *   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
 *   p = p - lr wd p   (only parameters in the decay group)
 *   p = p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * By default norms, embeddings and biases are not decayed (the usual two parameter groups).
 * State arrays live in a sub-manager of the parameters' manager; every temporary lives in a
 * per-step scope, so no manager grows across steps. Gradients accumulate across backward calls
 * until {@link #zeroGrad()}.
 *
 * <p>A parameter no backward has reached yet has no gradient and is left alone (no moment or weight
 * decay), as torch skips a None grad. {@link #zeroGrad()} zeroes the gradients that exist rather than
 * removing them, so a parameter reached once and missed by a later backward is stepped with a zero
 * gradient (its moments and weight decay still apply): torch's {@code zero_grad(set_to_none=False)}.
 * charlab's models reach every trainable weight on every step, so the two never differ there.
 */
public final class AdamW implements AutoCloseable {

    /** Hyper-parameters; {@code lr} here is the base rate, {@link #step(double)} may pass a scheduled one. */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay) {

        public static Options defaults(double lr) {
            return new Options(lr, 0.9, 0.95, 1e-8, 0.1);
        }

        public Options withWeightDecay(double wd) {
            return new Options(lr, beta1, beta2, eps, wd);
        }
    }

    /** Default decay group: matrices other than embeddings (no norms, no biases, no embeddings). */
    public static final Predicate<String> DEFAULT_DECAY = name -> !name.contains("norm") && !name.endsWith(".bias")
            && !name.contains("embed_tokens");

    private final Options options;
    private final LinkedHashMap<String, NDArray> params;
    private final Predicate<String> decay;
    private final NDManager state;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long t;

    /** An optimizer over every parameter of {@code model} (which it makes trainable). */
    public AdamW(Decoder model, Options options) {
        this(model.parameters(), DEFAULT_DECAY, options, model.manager());
        model.setTrainable(true);
    }

    /**
     * @param params the arrays to update, by name (they must require gradients)
     * @param decay which names get weight decay
     * @param owner the manager under which the optimizer state is kept
     */
    public AdamW(Map<String, NDArray> params, Predicate<String> decay, Options options, NDManager owner) {
        this.options = options;
        this.params = new LinkedHashMap<>(params);
        this.decay = decay;
        this.state = owner.newSubManager();
        for (Map.Entry<String, NDArray> e : this.params.entrySet()) {
            NDArray p = e.getValue();
            m.put(e.getKey(), state.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            v.put(e.getKey(), state.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
    }

    public Options options() {
        return options;
    }

    /** Steps taken so far (the t in the bias corrections). */
    public long steps() {
        return t;
    }

    /** Names in the weight-decay group. */
    public List<String> decayed() {
        List<String> out = new ArrayList<>();
        for (String n : params.keySet()) {
            if (decay.test(n)) {
                out.add(n);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** One update with the base learning rate. */
    public void step() {
        step(options.lr());
    }

    /** One update with learning rate {@code lr} (a schedule's value for this step). Gradients are left as they are. */
    public void step(double lr) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // in-place updates of leaves are only legal outside autograd
        try (NDManager scope = state.newSubManager()) {
            t++;
            double b1 = options.beta1();
            double b2 = options.beta2();
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            float stepSize = (float) (lr / bc1);
            float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
            float decayFactor = (float) (1 - lr * options.weightDecay());
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                if (!p.hasGradient()) {
                    continue;
                }
                NDArray g = JniUtils.getGradient((PtNDArray) p); // null when no backward has reached p
                if (g == null) {
                    continue; // torch.optim.AdamW skips a parameter whose grad is None
                }
                g.attach(scope); // the wrapper only; the gradient storage stays with p
                NDArray mi = m.get(e.getKey());
                NDArray vi = v.get(e.getKey());
                // m = b1 m + (1 - b1) g
                mi.muli((float) b1).addi(g.mul((float) (1 - b1)));
                // v = b2 v + (1 - b2) g^2
                vi.muli((float) b2).addi(g.square().muli((float) (1 - b2)));
                // decoupled weight decay
                if (decay.test(e.getKey()) && options.weightDecay() != 0) {
                    p.muli(decayFactor);
                }
                // p -= lr/bc1 * m / (sqrt(v) / sqrt(bc2) + eps)
                NDArray denom = vi.sqrt();
                denom.attach(scope);
                denom.muli(invSqrtBc2).addi((float) options.eps());
                NDArray update = mi.mul(stepSize);
                update.attach(scope);
                p.subi(update.divi(denom));
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The moment estimates as {@code m.<param>} and {@code v.<param>} (live arrays; for checkpoints). */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m." + k, a));
        v.forEach((k, a) -> out.put("v." + k, a));
        return out;
    }

    /**
     * Restores {@link #state()} and the step count {@code steps} from a checkpoint: every moment
     * is copied from {@code saved} (which must hold all of them with the same shapes).
     */
    public void loadState(Map<String, NDArray> saved, long steps) {
        for (Map<String, NDArray> moments : List.of(m, v)) {
            String prefix = moments == m ? "m." : "v.";
            for (Map.Entry<String, NDArray> e : moments.entrySet()) {
                NDArray src = saved.get(prefix + e.getKey());
                if (src == null || !src.getShape().equals(e.getValue().getShape())) {
                    throw new IllegalArgumentException("optimizer state lacks " + prefix + e.getKey()
                            + " or its shape differs");
                }
                NDArray copy = src.duplicate();
                copy.attach(state);
                e.getValue().close();
                e.setValue(copy);
            }
        }
        this.t = steps;
    }

    /** Sets every parameter's gradient to zero (call before the next accumulation). */
    public void zeroGrad() {
        for (NDArray p : params.values()) {
            if (p.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    @Override
    public void close() {
        state.close();
    }
}
