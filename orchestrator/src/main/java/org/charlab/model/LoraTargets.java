package org.charlab.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The projections LoRA can target, by Hugging Face module name, and PEFT's rules for choosing them
 * (peft/utils/constants.py). Plain strings, no engine class: configs validate against it.
 */
public final class LoraTargets {

    /** Every linear layer of a decoder layer, in HF order; the output head (lm_head) is never one. */
    public static final List<String> MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
            "up_proj", "down_proj");
    /** PEFT's shorthand (INCLUDE_LINEAR_LAYERS_SHORTHAND) for every linear layer except the output head. */
    public static final String ALL_LINEAR = "all-linear";
    /** PEFT's target_modules when none are given, for llama, qwen2 and qwen3. */
    public static final List<String> PEFT_DEFAULT = List.of("q_proj", "v_proj");

    private LoraTargets() {
    }

    /** The names {@code targetModules} selects (null: PEFT's default), in {@link #MODULES} order. */
    public static List<String> resolve(List<String> targetModules) {
        if (targetModules == null) {
            return PEFT_DEFAULT;
        }
        if (targetModules.contains(ALL_LINEAR)) {
            return MODULES;
        }
        List<String> out = new ArrayList<>();
        for (String m : MODULES) {
            if (targetModules.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The first name that is neither a module nor all-linear, or null when all are allowed. */
    public static String firstUnknown(List<String> targetModules) {
        for (String m : targetModules) {
            if (!MODULES.contains(m) && !ALL_LINEAR.equals(m)) {
                return m;
            }
        }
        return null;
    }
}
