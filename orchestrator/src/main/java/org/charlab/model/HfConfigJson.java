package org.charlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.charlab.BadInput;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelConfig} the way transformers itself
 * reads it, for the architectures charlab computes ({@code llama}, {@code mistral}, {@code qwen2},
 * {@code qwen3}, {@code gemma3_text}).
 * Every field that changes the function is either honoured or refused with one line naming the
 * field, its value and what is supported; a field the file omits takes the default of the HF
 * config class for that {@code model_type}.
 *
 * <p><b>RoPE, old and new layouts.</b> transformers &lt; 5 writes top-level {@code rope_theta} and
 * {@code rope_scaling}; transformers &gt;= 5 writes {@code rope_parameters: {rope_theta, rope_type,
 * ...}}. The rule followed is transformers' own ({@code RotaryEmbeddingConfigMixin
 * .convert_rope_params_to_dict} and {@code standardize_rope_params} in
 * {@code src/transformers/modeling_rope_utils.py}): the parameter dict is {@code rope_scaling} when
 * that is a non-empty object, else {@code rope_parameters}; {@code rope_theta} inside the dict wins
 * over a top-level {@code rope_theta}, which wins over the default 10000; the type is the dict's
 * {@code rope_type}, else its legacy {@code type}, else {@code default}. charlab implements the
 * types {@code default}, {@code linear} and {@code llama3} over the whole head ({@link RopeScaling});
 * any other type and any {@code partial_rotary_factor} other than 1 are refused. llama3's
 * {@code original_max_position_embeddings} defaults to {@code max_position_embeddings}
 * ({@code standardize_rope_params}).
 *
 * <p><b>Gemma 3</b> ({@code Gemma3TextConfig.convert_rope_params_to_dict}) keeps one dict per layer
 * type: {@code rope_parameters: {full_attention: {...}, sliding_attention: {...}}}; a legacy
 * {@code rope_scaling} is merged into {@code full_attention}; the global base is the dict's
 * {@code rope_theta}, else top-level {@code rope_theta}, else 1e6; the local base the sliding dict's
 * {@code rope_theta}, else {@code rope_local_base_freq}, else 1e4. Sliding layers are
 * {@code layer_types}, or every layer {@code i} with {@code (i + 1) % sliding_window_pattern != 0}
 * (pattern 6 by default). A {@code gemma3} (multimodal) config is read as its {@code text_config}.
 *
 * <p><b>Defaults</b> when a field is absent or null, from the HF config class of the
 * {@code model_type} ({@code src/transformers/models/<type>/configuration_*.py}): see
 * {@link #DEFAULTS}; {@code num_key_value_heads} falls back to {@code num_attention_heads} (mistral:
 * 8, gemma3_text: 4); {@code head_dim} falls back to {@code hidden_size / num_attention_heads} for
 * llama, mistral and qwen2, and is 128 for qwen3, 256 for gemma3_text; {@code hidden_act} is
 * {@code silu} (gemma3_text: {@code hidden_activation}, {@code gelu_pytorch_tanh});
 * {@code rms_norm_eps} 1e-6; {@code tie_word_embeddings} false (gemma3_text: true).
 *
 * <p><b>Biases.</b> {@code attention_bias: true} in llama, qwen3 and gemma3_text adds biases to q,
 * k, v <em>and</em> o_proj ({@code modeling_llama.py}, {@code modeling_qwen3.py},
 * {@code modeling_gemma3.py}). qwen2 always has q/k/v biases and never an o_proj bias, and mistral
 * never has any, whatever the file says ({@code modeling_qwen2.py}, {@code modeling_mistral.py}
 * hard-code them), so the field is ignored there as HF ignores it. {@code mlp_bias: true} is refused.
 *
 * <p><b>Sliding window.</b> mistral: every layer attends to the last {@code sliding_window} keys
 * (default 4096; an explicit null means full attention; {@code layer_types} is ignored, as
 * {@code MistralConfig} warns). gemma3_text: the sliding layers above, window default 4096. llama
 * has none (the keys are ignored). qwen2, qwen3: HF makes layer {@code i} a sliding-window layer when
 * {@code use_sliding_window} is true and {@code i >= max_window_layers} (default 28), or when
 * {@code layer_types} says {@code sliding_attention}; charlab refuses such a window when it is
 * shorter than {@code max_position_embeddings} (untested against HF; a longer window never masks
 * anything within the positions charlab can run).
 */
final class HfConfigJson {

    /** An HF config class's defaults; {@code kvHeads} and {@code headDim} 0 = derived (see class doc). */
    record Defaults(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim,
            int maxPos, double theta, boolean tie, String act) {
    }

    static final Map<String, Defaults> DEFAULTS = Map.of(
            "llama", new Defaults(32000, 4096, 11008, 32, 32, 0, 0, 2048, 10000.0, false, "silu"),
            "mistral", new Defaults(32000, 4096, 14336, 32, 32, 8, 0, 131072, 10000.0, false, "silu"),
            "qwen2", new Defaults(151936, 4096, 22016, 32, 32, 0, 0, 32768, 10000.0, false, "silu"),
            "qwen3", new Defaults(151936, 4096, 22016, 32, 32, 0, 128, 32768, 10000.0, false, "silu"),
            "gemma3_text", new Defaults(262208, 2304, 9216, 26, 8, 4, 256, 131072, 1_000_000.0, true,
                    "gelu_pytorch_tanh"));

    static final double DEFAULT_RMS_NORM_EPS = 1e-6;
    static final int DEFAULT_MAX_WINDOW_LAYERS = 28;
    static final int DEFAULT_SLIDING_WINDOW = 4096;
    static final int GEMMA_SLIDING_WINDOW_PATTERN = 6;
    static final double GEMMA_LOCAL_THETA = 10000.0;
    static final double GEMMA_QUERY_PRE_ATTN_SCALAR = 256;
    /** hidden_act values (ACT2FN names) and the activation each computes. */
    static final Map<String, String> ACTIVATIONS = Map.of("silu", "silu", "swish", "silu",
            "gelu_pytorch_tanh", "gelu_pytorch_tanh");
    static final List<String> ROPE_TYPES = List.of("default", "linear", "llama3");

    private HfConfigJson() {
    }

    /** The RoPE base and scaling of full-attention layers (plus Gemma's local base). */
    record RopeParams(double theta, RopeScaling scaling, double localTheta) {
    }

    static ModelConfig parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new BadInput("model config is not a JSON object");
        }
        String type = present(n, "model_type") ? n.get("model_type").asText().toLowerCase(Locale.ROOT) : "";
        if ("gemma3".equals(type)) {
            return gemma3TextOf(n);
        }
        if (!ModelConfig.ARCHITECTURES.contains(type)) {
            throw new BadInput("model_type '" + type + "' is not supported; supported: " + ModelConfig.ARCHITECTURES);
        }
        boolean gemma = "gemma3_text".equals(type);
        Defaults def = DEFAULTS.get(type);
        int vocab = integer(n, "vocab_size", def.vocab());
        int hidden = integer(n, "hidden_size", def.hidden());
        int intermediate = integer(n, "intermediate_size", def.intermediate());
        int layers = integer(n, "num_hidden_layers", def.layers());
        int heads = integer(n, "num_attention_heads", def.heads());
        int maxPos = integer(n, "max_position_embeddings", def.maxPos());
        int kvHeads = integer(n, "num_key_value_heads", def.kvHeads() > 0 ? def.kvHeads() : heads);
        int headDim = integer(n, "head_dim", def.headDim() > 0 ? def.headDim() : heads > 0 ? hidden / heads : 0);

        String actKey = gemma ? "hidden_activation" : "hidden_act";
        String act = text(n, actKey, def.act());
        if (!ACTIVATIONS.containsKey(act)) {
            throw new BadInput(actKey + " '" + act + "' is not supported; supported: "
                    + List.of("silu", "swish", "gelu_pytorch_tanh") + " (gated MLP)");
        }
        // q/k/v biases, and the o_proj bias that comes with them where HF reads attention_bias
        boolean bias = bool(n, "attention_bias", false);
        boolean qkvBias = switch (type) {
            case "qwen2" -> true;
            case "mistral" -> false;
            default -> bias;
        };
        boolean outputBias = qkvBias && !"qwen2".equals(type);
        if (bool(n, "mlp_bias", false)) {
            throw new BadInput("mlp_bias true is not supported; supported: false");
        }
        double dropout = number(n, "attention_dropout", 0.0);
        if (dropout != 0.0) {
            throw new BadInput("attention_dropout " + dropout + " is not supported; supported: 0.0 "
                    + "(charlab trains without dropout)");
        }

        // which layers slide, and over how many keys
        int window = 0;
        List<String> layerTypes = new ArrayList<>(Collections.nCopies(Math.max(layers, 0),
                ModelConfig.FULL));
        switch (type) {
            case "mistral" -> {
                window = n.has("sliding_window") && n.get("sliding_window").isNull() ? 0
                        : integer(n, "sliding_window", DEFAULT_SLIDING_WINDOW);
                if (window > 0) {
                    layerTypes = new ArrayList<>(Collections.nCopies(layers, ModelConfig.SLIDING));
                }
            }
            case "qwen2", "qwen3" -> refuseSlidingWindow(n, layers, maxPos);
            case "gemma3_text" -> {
                layerTypes = gemmaLayerTypes(n, layers);
                if (bool(n, "use_bidirectional_attention", false)) {
                    throw new BadInput("use_bidirectional_attention true is not supported; supported: false "
                            + "(causal attention)");
                }
                boolean nullWindow = n.has("sliding_window") && n.get("sliding_window").isNull();
                if (layerTypes.contains(ModelConfig.SLIDING)) {
                    if (nullWindow) {
                        throw new BadInput("sliding_window null with sliding_attention layers is not supported; "
                                + "supported: an integer >= 1");
                    }
                    window = integer(n, "sliding_window", DEFAULT_SLIDING_WINDOW);
                } else {
                    window = nullWindow ? 0 : integer(n, "sliding_window", DEFAULT_SLIDING_WINDOW);
                }
                if (layerTypes.contains(ModelConfig.SLIDING) && window < 1) {
                    throw new BadInput("sliding_window " + window + " is not supported; supported: an integer >= 1");
                }
            }
            default -> { } // llama: no sliding window in HF, the keys are ignored
        }

        RopeParams rope = gemma ? gemmaRope(n, maxPos) : rope(n, maxPos);
        ModelConfig.Gemma g = null;
        if (gemma) {
            g = new ModelConfig.Gemma(rope.localTheta(), positiveNumber(n, "query_pre_attn_scalar",
                    GEMMA_QUERY_PRE_ATTN_SCALAR), softcap(n, "final_logit_softcapping"));
        }
        return new ModelConfig(type, hidden, layers, heads, kvHeads, headDim, intermediate, rope.theta(),
                number(n, "rms_norm_eps", DEFAULT_RMS_NORM_EPS), vocab, maxPos,
                bool(n, "tie_word_embeddings", def.tie()), qkvBias, "qwen3".equals(type) || gemma,
                ACTIVATIONS.get(act), outputBias, rope.scaling(), window, layerTypes, g);
    }

    /**
     * Gemma 3 with its vision tower ({@code Gemma3Config}): the text model its {@code text_config}
     * describes, run on text alone as {@code Gemma3ForConditionalGeneration} runs text without
     * images; {@link Checkpoint} drops the vision weights. Both configs' {@code tie_word_embeddings}
     * (default true) must agree.
     */
    private static ModelConfig gemma3TextOf(JsonNode n) {
        JsonNode text = n.get("text_config");
        if (text == null || !text.isObject()) {
            throw new BadInput("model_type 'gemma3' without a text_config object is not supported; supported: "
                    + "text_config holding the Gemma 3 text model");
        }
        String inner = text.path("model_type").asText("gemma3_text");
        if (!"gemma3_text".equals(inner)) {
            throw new BadInput("text_config.model_type '" + inner + "' is not supported; supported: gemma3_text");
        }
        boolean outerTie = bool(n, "tie_word_embeddings", true);
        if (outerTie != bool(text, "tie_word_embeddings", true)) {
            throw new BadInput("tie_word_embeddings " + outerTie + " disagrees with text_config.tie_word_embeddings; "
                    + "supported: both the same");
        }
        ObjectNode t = ((ObjectNode) text).deepCopy();
        t.put("model_type", "gemma3_text");
        try {
            return parse(t);
        } catch (BadInput e) {
            throw new BadInput("text_config: " + e.getMessage());
        }
    }

    /** The RoPE base of a non-Gemma config under transformers' precedence, and its scaling. */
    static RopeParams rope(JsonNode n, int maxPos) {
        String where;
        JsonNode dict;
        if (n.path("rope_scaling").isObject() && n.get("rope_scaling").size() > 0) {
            where = "rope_scaling";
            dict = n.get("rope_scaling");
        } else if (n.path("rope_parameters").isObject()) {
            where = "rope_parameters";
            dict = n.get("rope_parameters");
        } else {
            notObject(n, "rope_scaling");
            notObject(n, "rope_parameters");
            where = "";
            dict = null;
        }
        RopeScaling scaling = RopeScaling.NONE;
        if (dict != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = dict.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isObject()) {
                    throw new BadInput(where + "." + e.getKey() + " (per-layer-type RoPE) is not supported; "
                            + "supported: one RoPE dict for all layers (per layer type only in gemma3_text)");
                }
            }
            scaling = scaling(dict, where, maxPos);
        }
        double partial = dict != null && present(dict, "partial_rotary_factor")
                ? number(dict, "partial_rotary_factor", 1.0) : number(n, "partial_rotary_factor", 1.0);
        refusePartial(partial);
        double theta = dict != null && present(dict, "rope_theta") ? positiveNumber(dict, where + ".rope_theta")
                : present(n, "rope_theta") ? positiveNumber(n, "rope_theta") : DEFAULTS.get("llama").theta();
        return new RopeParams(theta, scaling, 0);
    }

    /** Gemma 3's per-layer-type RoPE: full layers (theta, scaling) and sliding layers (local theta, unscaled). */
    static RopeParams gemmaRope(JsonNode n, int maxPos) {
        notObject(n, "rope_scaling");
        notObject(n, "rope_parameters");
        JsonNode params = n.get("rope_parameters");
        JsonNode full = null;
        JsonNode sliding = null;
        if (params != null && params.isObject()) {
            for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!List.of(ModelConfig.FULL, ModelConfig.SLIDING).contains(k)) {
                    throw new BadInput("rope_parameters." + k + " is not supported for gemma3_text; supported: "
                            + "rope_parameters: {full_attention: {...}, sliding_attention: {...}}");
                }
                notObject(params, k);
            }
            full = params.get(ModelConfig.FULL);
            sliding = params.get(ModelConfig.SLIDING);
        }
        // a legacy rope_scaling updates the full-attention dict
        ObjectNode f = full != null && full.isObject()
                ? ((ObjectNode) full).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        String where = "rope_parameters.full_attention";
        if (n.path("rope_scaling").isObject()) {
            f.setAll((ObjectNode) n.get("rope_scaling"));
            if (n.get("rope_scaling").size() > 0) {
                where = "rope_scaling";
            }
        }
        RopeScaling scaling = scaling(f, where, maxPos);
        refusePartial(present(f, "partial_rotary_factor") ? number(f, "partial_rotary_factor", 1.0)
                : number(n, "partial_rotary_factor", 1.0));
        double theta = present(f, "rope_theta") ? positiveNumber(f, where + ".rope_theta")
                : present(n, "rope_theta") ? positiveNumber(n, "rope_theta") : DEFAULTS.get("gemma3_text").theta();
        double local;
        if (sliding != null && sliding.isObject()) {
            if (!scaling(sliding, "rope_parameters.sliding_attention", maxPos).isDefault()) {
                throw new BadInput("rope_parameters.sliding_attention.rope_type '" + sliding.path("rope_type")
                        .asText(sliding.path("type").asText()) + "' is not supported; supported: default");
            }
            refusePartial(number(sliding, "partial_rotary_factor", 1.0));
        }
        local = sliding != null && present(sliding, "rope_theta")
                ? positiveNumber(sliding, "rope_parameters.sliding_attention.rope_theta")
                : present(n, "rope_local_base_freq") ? positiveNumber(n, "rope_local_base_freq") : GEMMA_LOCAL_THETA;
        return new RopeParams(theta, scaling, local);
    }

    /** The scaling a RoPE dict asks for: default, linear (factor) or llama3; every other type refused. */
    private static RopeScaling scaling(JsonNode dict, String where, int maxPos) {
        String ropeType = present(dict, "rope_type") ? dict.get("rope_type").asText()
                : present(dict, "type") ? dict.get("type").asText() : "default";
        return switch (ropeType) {
            case "default" -> RopeScaling.NONE;
            case "linear" -> RopeScaling.linear(positiveNumber(dict, where + ".factor"));
            case "llama3" -> RopeScaling.llama3(positiveNumber(dict, where + ".factor"),
                    positiveNumber(dict, where + ".low_freq_factor"), positiveNumber(dict, where + ".high_freq_factor"),
                    integer(dict, "original_max_position_embeddings", maxPos));
            default -> throw new BadInput(where + ".rope_type '" + ropeType + "' is not supported; supported: "
                    + ROPE_TYPES);
        };
    }

    private static void refusePartial(double partial) {
        if (partial != 1.0) {
            throw new BadInput("partial_rotary_factor " + partial + " is not supported; supported: 1.0");
        }
    }

    private static void notObject(JsonNode n, String k) {
        if (present(n, k) && !n.get(k).isObject()) {
            throw new BadInput(k + " " + n.get(k) + " is not supported; supported: an object or null");
        }
    }

    /** Gemma 3's layer types: the file's list, or the legacy sliding_window_pattern (default 6). */
    private static List<String> gemmaLayerTypes(JsonNode n, int layers) {
        JsonNode types = n.get("layer_types");
        List<String> out = new ArrayList<>();
        if (types != null && !types.isNull()) {
            if (!types.isArray() || types.size() != layers) {
                throw new BadInput("layer_types " + types + " is not supported; supported: a list of "
                        + layers + " entries (num_hidden_layers), each full_attention or sliding_attention");
            }
            for (JsonNode t : types) {
                String v = t.asText();
                if (!t.isTextual() || !List.of(ModelConfig.FULL, ModelConfig.SLIDING).contains(v)) {
                    throw new BadInput("layer_types entry " + t + " is not supported; supported: full_attention, "
                            + "sliding_attention");
                }
                out.add(v);
            }
            return out;
        }
        int pattern = integer(n, "sliding_window_pattern", GEMMA_SLIDING_WINDOW_PATTERN);
        if (pattern < 1) {
            throw new BadInput("sliding_window_pattern " + pattern + " is not supported; supported: an integer >= 1");
        }
        for (int i = 0; i < layers; i++) {
            out.add((i + 1) % pattern != 0 ? ModelConfig.SLIDING : ModelConfig.FULL);
        }
        return out;
    }

    /** A soft-capping value: null or absent = none (0), else a number > 0. */
    private static double softcap(JsonNode n, String key) {
        return present(n, key) ? positiveNumber(n, key) : 0.0;
    }

    private static void refuseSlidingWindow(JsonNode n, int layers, int maxPos) {
        boolean use = bool(n, "use_sliding_window", false);
        Integer window = use ? Integer.valueOf(integer(n, "sliding_window", DEFAULT_SLIDING_WINDOW)) : null;
        int maxWindowLayers = integer(n, "max_window_layers", DEFAULT_MAX_WINDOW_LAYERS);
        int firstSliding = -1;
        JsonNode types = n.get("layer_types");
        if (types != null && types.isArray()) {
            for (int i = 0; i < types.size(); i++) {
                if ("sliding_attention".equals(types.get(i).asText())) {
                    firstSliding = i;
                    break;
                }
            }
        } else if (window != null && layers > maxWindowLayers) {
            firstSliding = maxWindowLayers;
        }
        if (firstSliding >= 0 && (window == null || window < maxPos)) {
            throw new BadInput("use_sliding_window " + use + " with sliding_window " + window + " (layer "
                    + firstSliding + " on) is not supported; supported: full attention (use_sliding_window false, "
                    + "or a window >= max_position_embeddings " + maxPos + ")");
        }
    }

    private static boolean present(JsonNode n, String key) {
        return n.has(key) && !n.get(key).isNull();
    }

    private static int integer(JsonNode n, String key, int def) {
        if (!present(n, key)) {
            return def;
        }
        JsonNode v = n.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new BadInput("'" + key + "' is " + v + "; it must be an integer");
        }
        return v.intValue();
    }

    private static double number(JsonNode n, String key, double def) {
        if (!present(n, key)) {
            return def;
        }
        JsonNode v = n.get(key);
        if (!v.isNumber()) {
            throw new BadInput("'" + key + "' is " + v + "; it must be a number");
        }
        return v.doubleValue();
    }

    private static double positiveNumber(JsonNode n, String label, double def) {
        String key = label.substring(label.lastIndexOf('.') + 1);
        return present(n, key) ? positiveNumber(n, label) : def;
    }

    private static double positiveNumber(JsonNode n, String label) {
        String key = label.substring(label.lastIndexOf('.') + 1);
        if (!present(n, key)) {
            throw new BadInput("'" + label + "' is missing; it must be a number > 0");
        }
        double v = number(n, key, Double.NaN);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new BadInput("'" + label + "' is " + n.get(key) + "; it must be a number > 0");
        }
        return v;
    }

    private static boolean bool(JsonNode n, String key, boolean def) {
        if (!present(n, key)) {
            return def;
        }
        JsonNode v = n.get(key);
        if (!v.isBoolean()) {
            throw new BadInput("'" + key + "' is " + v + "; it must be true or false");
        }
        return v.booleanValue();
    }

    private static String text(JsonNode n, String key, String def) {
        if (!present(n, key)) {
            return def;
        }
        JsonNode v = n.get(key);
        if (!v.isTextual()) {
            throw new BadInput("'" + key + "' is " + v + "; it must be a string");
        }
        return v.asText();
    }
}
