package org.charlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.charlab.BadInput;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelConfig} the way transformers itself
 * reads it, for the architectures charlab computes ({@code llama}, {@code qwen2}, {@code qwen3}).
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
 * {@code rope_type}, else its legacy {@code type}, else {@code default}. charlab implements only
 * {@code default} (unscaled) RoPE over the whole head, so any other type and any
 * {@code partial_rotary_factor} other than 1 are refused.
 *
 * <p><b>Defaults</b> when a field is absent or null, from {@code LlamaConfig}, {@code Qwen2Config}
 * and {@code Qwen3Config} ({@code src/transformers/models/{llama,qwen2,qwen3}/configuration_*.py}):
 * see {@link #DEFAULTS}; {@code num_key_value_heads} falls back to {@code num_attention_heads};
 * {@code head_dim} falls back to {@code hidden_size / num_attention_heads} for llama and qwen2
 * ({@code modeling_qwen2.py} reads it with {@code getattr}) and is 128 for qwen3;
 * {@code hidden_act} is {@code silu}; {@code rms_norm_eps} 1e-6; {@code tie_word_embeddings} false.
 *
 * <p><b>Biases.</b> {@code attention_bias: true} in llama and qwen3 adds biases to q, k, v
 * <em>and</em> o_proj ({@code modeling_llama.py}, {@code modeling_qwen3.py}); charlab's decoder has
 * no o_proj bias, so it is refused. qwen2 always has q/k/v biases and never an o_proj bias, whatever
 * the file says ({@code modeling_qwen2.py} hard-codes {@code bias=True} / {@code bias=False}), so
 * the field is ignored there as HF ignores it. llama's {@code mlp_bias: true} is refused.
 *
 * <p><b>Sliding window</b> (qwen2, qwen3): HF makes layer {@code i} a sliding-window layer when
 * {@code use_sliding_window} is true and {@code i >= max_window_layers} (default 28), or when
 * {@code layer_types} says {@code sliding_attention}. charlab attends to the whole prefix, so a
 * window that would apply to some layer and is shorter than {@code max_position_embeddings} is
 * refused (a longer window never masks anything within the positions charlab can run).
 */
final class HfConfigJson {

    /** HF class defaults: vocab, hidden, intermediate, layers, heads, max positions. */
    static final Map<String, int[]> DEFAULTS = Map.of(
            "llama", new int[] {32000, 4096, 11008, 32, 32, 2048},
            "qwen2", new int[] {151936, 4096, 22016, 32, 32, 32768},
            "qwen3", new int[] {151936, 4096, 22016, 32, 32, 32768});

    static final double DEFAULT_ROPE_THETA = 10000.0;
    static final double DEFAULT_RMS_NORM_EPS = 1e-6;
    static final int QWEN3_HEAD_DIM = 128;
    static final int DEFAULT_MAX_WINDOW_LAYERS = 28;
    static final List<String> ACTIVATIONS = List.of("silu", "swish");

    private HfConfigJson() {
    }

    static ModelConfig parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new BadInput("model config is not a JSON object");
        }
        String type = present(n, "model_type") ? n.get("model_type").asText().toLowerCase(Locale.ROOT) : "";
        if (!ModelConfig.ARCHITECTURES.contains(type)) {
            throw new BadInput("model_type '" + type + "' is not supported; supported: " + ModelConfig.ARCHITECTURES);
        }
        int[] def = DEFAULTS.get(type);
        int vocab = integer(n, "vocab_size", def[0]);
        int hidden = integer(n, "hidden_size", def[1]);
        int intermediate = integer(n, "intermediate_size", def[2]);
        int layers = integer(n, "num_hidden_layers", def[3]);
        int heads = integer(n, "num_attention_heads", def[4]);
        int maxPos = integer(n, "max_position_embeddings", def[5]);
        int kvHeads = integer(n, "num_key_value_heads", heads);
        int headDim = integer(n, "head_dim", "qwen3".equals(type) ? QWEN3_HEAD_DIM : heads > 0 ? hidden / heads : 0);

        String act = text(n, "hidden_act", "silu");
        if (!ACTIVATIONS.contains(act)) {
            throw new BadInput("hidden_act '" + act + "' is not supported; supported: " + ACTIVATIONS
                    + " (SwiGLU MLP)");
        }
        if (!"qwen2".equals(type) && bool(n, "attention_bias", false)) {
            throw new BadInput("attention_bias true is not supported for " + type
                    + " (HF then adds q/k/v and o_proj biases; charlab's decoder has no o_proj bias); supported: false");
        }
        if (bool(n, "mlp_bias", false)) {
            throw new BadInput("mlp_bias true is not supported; supported: false");
        }
        double dropout = number(n, "attention_dropout", 0.0);
        if (dropout != 0.0) {
            throw new BadInput("attention_dropout " + dropout + " is not supported; supported: 0.0 "
                    + "(charlab trains without dropout)");
        }
        if (!"llama".equals(type)) {
            refuseSlidingWindow(n, layers, maxPos);
        }
        double theta = ropeTheta(n);
        return new ModelConfig(type, hidden, layers, heads, kvHeads, headDim, intermediate, theta,
                number(n, "rms_norm_eps", DEFAULT_RMS_NORM_EPS), vocab, maxPos, bool(n, "tie_word_embeddings", false),
                "qwen2".equals(type), "qwen3".equals(type));
    }

    /** The RoPE base under transformers' precedence; refuses every rope type but {@code default}. */
    static double ropeTheta(JsonNode n) {
        String where;
        JsonNode dict;
        if (n.path("rope_scaling").isObject() && n.get("rope_scaling").size() > 0) {
            where = "rope_scaling";
            dict = n.get("rope_scaling");
        } else if (n.path("rope_parameters").isObject()) {
            where = "rope_parameters";
            dict = n.get("rope_parameters");
        } else {
            for (String k : List.of("rope_scaling", "rope_parameters")) {
                if (present(n, k) && !n.get(k).isObject()) {
                    throw new BadInput(k + " " + n.get(k) + " is not supported; supported: an object or null");
                }
            }
            where = "";
            dict = null;
        }
        if (dict != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = dict.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isObject()) {
                    throw new BadInput(where + "." + e.getKey() + " (per-layer-type RoPE) is not supported; "
                            + "supported: one rope_type 'default' for all layers");
                }
            }
            String ropeType = present(dict, "rope_type") ? dict.get("rope_type").asText()
                    : present(dict, "type") ? dict.get("type").asText() : "default";
            if (!"default".equals(ropeType)) {
                throw new BadInput(where + ".rope_type '" + ropeType + "' is not supported; supported: default "
                        + "(unscaled RoPE)");
            }
        }
        double partial = dict != null && present(dict, "partial_rotary_factor")
                ? number(dict, "partial_rotary_factor", 1.0) : number(n, "partial_rotary_factor", 1.0);
        if (partial != 1.0) {
            throw new BadInput("partial_rotary_factor " + partial + " is not supported; supported: 1.0");
        }
        if (dict != null && present(dict, "rope_theta")) {
            return positiveNumber(dict, where + ".rope_theta");
        }
        return present(n, "rope_theta") ? positiveNumber(n, "rope_theta") : DEFAULT_ROPE_THETA;
    }

    private static void refuseSlidingWindow(JsonNode n, int layers, int maxPos) {
        boolean use = bool(n, "use_sliding_window", false);
        Integer window = use ? Integer.valueOf(integer(n, "sliding_window", 4096)) : null;
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

    private static double positiveNumber(JsonNode n, String label) {
        String key = label.substring(label.lastIndexOf('.') + 1);
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
