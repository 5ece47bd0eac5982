package org.charlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.BadInput;

/**
 * LoRA adapters (Hu et al. 2021, eq. 3; PEFT's {@code LoraLayer}) on a decoder's projections:
 * <pre>
 *   h = W x + (alpha / r) B A dropout(x)      A [r, in], B [out, r]
 * </pre>
 * A starts as PEFT's {@code kaiming_uniform_(a=sqrt(5))}, i.e. U(-1/sqrt(in), 1/sqrt(in)), drawn
 * from a Java RNG seeded by the stage seed (bit-identical across runs); B starts at zero, so the
 * adapted model equals its base at step 0. The decoder calls {@link #apply} from its one
 * {@code linear} helper with the weight array, so any projection named in {@link LoraTargets#MODULES} gets its
 * adapter, whatever layer code calls it. Files are PEFT's: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with keys {@code base_model.model.<module>.lora_A.weight}.
 */
public final class LoraAdapters implements AutoCloseable {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** PEFT's prefix of every saved key (PeftModel.base_model.model). */
    public static final String PREFIX = "base_model.model.";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long SALT = 0x6c6f7261L; // "lora": A's draws do not repeat the base init's

    /** One adapted projection: its HF module name, e.g. model.layers.0.self_attn.q_proj. */
    private record Adapter(String module, NDArray a, NDArray b) {
    }

    private final int r;
    private final double alpha;
    private final double dropout;
    private final List<String> targets;
    private final NDManager manager;
    private final NDArray scale; // [] alpha / r, an array: no Java Number under autograd
    private final Map<NDArray, Adapter> byWeight = new IdentityHashMap<>();
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
    private boolean training;

    private LoraAdapters(Decoder model, int r, double alpha, double dropout, List<String> targets) {
        this.r = r;
        this.alpha = alpha;
        this.dropout = dropout;
        this.targets = List.copyOf(targets);
        this.manager = model.manager().newSubManager();
        this.scale = manager.create((float) (alpha / r));
    }

    /**
     * New adapters for every weight of {@code model} whose module is in {@code targets}, A drawn
     * from {@code seed}, B zero; attached to the model (whose base weights are then frozen).
     */
    public static LoraAdapters attach(Decoder model, int r, double alpha, double dropout, List<String> targets,
            long seed) {
        LoraAdapters l = new LoraAdapters(model, r, alpha, dropout, targets);
        SplittableRandom rng = new SplittableRandom(seed ^ SALT);
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            String module = module(e.getKey());
            if (module == null || !targets.contains(last(module))) {
                continue;
            }
            Shape ws = e.getValue().getShape(); // [out, in]
            long out = ws.get(0);
            long in = ws.get(1);
            double bound = 1 / Math.sqrt(in); // kaiming_uniform(a=sqrt(5)): gain sqrt(1/3) * sqrt(3 / in)
            float[] a = new float[Math.toIntExact(r * in)];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            NDArray aa = l.manager.create(a, new Shape(r, in));
            NDArray bb = l.manager.zeros(new Shape(out, r));
            l.add(e.getValue(), module, aa, bb);
        }
        model.attach(l);
        return l;
    }

    private void add(NDArray weight, String module, NDArray a, NDArray b) {
        a.setName(module + ".lora_A.weight");
        b.setName(module + ".lora_B.weight");
        byWeight.put(weight, new Adapter(module, a, b));
        params.put(a.getName(), a);
        params.put(b.getName(), b);
    }

    /** The module of a projection weight name (model.layers.0.self_attn.q_proj.weight -> ...q_proj), or null. */
    static String module(String weightName) {
        if (!weightName.endsWith(".weight") || !weightName.startsWith("model.layers.")) {
            return null;
        }
        String m = weightName.substring(0, weightName.length() - ".weight".length());
        return LoraTargets.MODULES.contains(last(m)) ? m : null;
    }

    private static String last(String module) {
        return module.substring(module.lastIndexOf('.') + 1);
    }

    /** {@code y} (= x W^T + b) plus the adapter's (alpha/r) B A dropout(x) when one covers {@code weight}. */
    NDArray apply(NDArray x, NDArray weight, NDArray y) {
        Adapter ad = byWeight.get(weight);
        if (ad == null) {
            return y;
        }
        NDArray xd = dropout > 0 && training && JniUtils.isGradMode()
                ? JniUtils.dropout((PtNDArray) x, (float) dropout, true) : x;
        // [.., in] -> [.., r] -> [.., out], scaled
        NDArray down = JniUtils.linear((PtNDArray) xd, (PtNDArray) ad.a(), null);
        NDArray up = JniUtils.linear((PtNDArray) down, (PtNDArray) ad.b(), null);
        return y.add(up.mul(scale));
    }

    void setTrainable(boolean trainable) {
        this.training = trainable;
        for (NDArray p : params.values()) {
            p.setRequiresGradient(trainable);
        }
    }

    /** A and B of every adapter, named {@code <module>.lora_A.weight} (PEFT's keys without the prefix). */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    public int r() {
        return r;
    }

    public double alpha() {
        return alpha;
    }

    public double dropout() {
        return dropout;
    }

    /** The targeted module names (q_proj, ...), in {@link LoraTargets#MODULES} order. */
    public List<String> targets() {
        return targets;
    }

    /** Copies A and B from a saved adapter directory (a resumed attempt's checkpoint). */
    public void load(Path dir) throws IOException {
        try (NDManager staging = manager.newSubManager()) {
            Map<String, NDArray> saved = SafeTensors.read(dir.resolve(WEIGHTS), staging);
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    NDArray s = saved.get(PREFIX + e.getKey());
                    if (s == null || !s.getShape().equals(e.getValue().getShape())) {
                        throw new BadInput(dir.resolve(WEIGHTS) + ": lacks " + PREFIX + e.getKey() + " "
                                + e.getValue().getShape());
                    }
                    e.getValue().set(s.toFloatArray());
                }
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }

    /**
     * Writes PEFT's adapter files into {@code dir}: adapter_config.json (PEFT's LoraConfig fields;
     * target_modules as resolved, as PEFT stores all-linear) and adapter_model.safetensors.
     *
     * @param baseModel base_model_name_or_path (PEFT's field), or null
     */
    public void save(Path dir, String baseModel) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> c = peftConfig(r, alpha, dropout, targets, baseModel);
        Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(c) + "\n");
        Map<String, NDArray> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(PREFIX + k, v));
        SafeTensors.write(dir.resolve(WEIGHTS), out, Map.of("format", "pt"));
    }

    /** adapter_config.json's content, PEFT's LoraConfig field names in PEFT's (sorted) order. */
    static Map<String, Object> peftConfig(int r, double alpha, double dropout, List<String> targets, String base) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("alpha_pattern", Map.of());
        c.put("base_model_name_or_path", base);
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.put("layers_pattern", null);
        c.put("layers_to_transform", null);
        c.put("lora_alpha", alpha == Math.rint(alpha) ? (Object) (long) alpha : (Object) alpha);
        c.put("lora_dropout", dropout);
        c.put("modules_to_save", null);
        c.put("peft_type", "LORA");
        c.put("r", r);
        c.put("rank_pattern", Map.of());
        c.put("revision", null);
        c.put("target_modules", targets);
        c.put("task_type", "CAUSAL_LM");
        c.put("use_dora", false);
        c.put("use_rslora", false);
        return c;
    }

    /**
     * Adds a saved adapter's (alpha/r) B A to the weights it covers, in place: the base of a later
     * stage or an evaluation sees base + adapter as one set of weights.
     */
    public static void mergeInto(Map<String, NDArray> weights, Path adapterDir) throws IOException {
        JsonNode c = JSON.readTree(adapterDir.resolve(CONFIG).toFile());
        for (String variant : List.of("use_rslora", "use_dora")) {
            if (c.path(variant).asBoolean(false)) {
                throw new BadInput(adapterDir.resolve(CONFIG) + ": " + variant + " is true; charlab computes plain"
                        + " LoRA, (lora_alpha / r) B A, only");
            }
        }
        double scale = c.path("lora_alpha").asDouble() / c.path("r").asInt();
        try (NDManager staging = weights.values().iterator().next().getManager().newSubManager()) {
            Map<String, NDArray> saved = SafeTensors.read(adapterDir.resolve(WEIGHTS), staging);
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                for (Map.Entry<String, NDArray> e : saved.entrySet()) {
                    String k = e.getKey();
                    if (!k.endsWith(".lora_A.weight")) {
                        continue;
                    }
                    String module = k.substring(PREFIX.length(), k.length() - ".lora_A.weight".length());
                    NDArray w = weights.get(module + ".weight");
                    NDArray b = saved.get(PREFIX + module + ".lora_B.weight");
                    if (w == null || b == null) {
                        throw new BadInput(adapterDir.resolve(WEIGHTS) + ": " + k + " has no base weight "
                                + module + ".weight or no lora_B");
                    }
                    NDArray delta = b.matMul(e.getValue()).muli((float) scale); // [out, in]
                    w.addi(delta);
                }
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }

    /** Adds every adapter's (alpha/r) B A into its base weight in place and detaches the adapters. */
    public void merge(Decoder model) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            for (Map.Entry<NDArray, Adapter> e : byWeight.entrySet()) {
                NDArray delta = e.getValue().b().matMul(e.getValue().a());
                delta.attach(scope);
                e.getKey().addi(delta.muli((float) (alpha / r)));
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        model.attach(null);
    }

    @Override
    public void close() {
        manager.close();
    }
}
