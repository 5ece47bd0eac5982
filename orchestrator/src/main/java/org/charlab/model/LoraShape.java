package org.charlab.model;

import java.util.List;

/**
 * The shape of a LoRA adapter as far as counting goes: rank {@code r} and the projections it adapts, by
 * their PEFT names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj). A stage without
 * one (null) is a full fine-tune. Stages build it from their {@code lora} settings.
 */
public record LoraShape(int r, List<String> targetModules) {

    public LoraShape {
        targetModules = List.copyOf(targetModules);
        if (r < 1) {
            throw new IllegalArgumentException("lora r must be >= 1, got " + r);
        }
        for (String m : targetModules) {
            if (!MemoryArithmetic.PROJECTIONS.contains(m)) {
                throw new IllegalArgumentException("lora target module '" + m + "' is not one of "
                        + MemoryArithmetic.PROJECTIONS);
            }
        }
    }
}
