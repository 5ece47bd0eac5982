package org.charlab.train.stage;

import java.util.List;
import org.charlab.config.Doc;
import org.charlab.config.Setting;
import org.charlab.model.LoraTargets;

/**
 * LoRA settings of a fine-tuning stage ({@code stages.<name>.lora}). The YAML names are the issue's
 * short ones; PEFT's LoraConfig calls them r, lora_alpha, lora_dropout and target_modules, and the
 * adapter_config.json a stage writes uses PEFT's names.
 */
@Doc("LoRA (Hu et al. 2021): train low-rank adapters on some projections, the base weights frozen. Absent: full "
        + "fine-tune.")
public record LoraConfig(
        @Setting(doc = "Rank of each adapter (PEFT r).", def = "8", min = 1, paper = "PEFT LoraConfig.r (default 8)")
        int r,
        @Setting(doc = "Scale numerator: the update is (alpha / r) B A x (PEFT lora_alpha).", def = "8", min = 0,
                minExclusive = true, paper = "PEFT LoraConfig.lora_alpha (default 8); Hu et al. 2021, eq. 3")
        double alpha,
        @Setting(doc = "Dropout on an adapter's input while training (PEFT lora_dropout).", def = "0.0", min = 0,
                max = 0.99, paper = "PEFT LoraConfig.lora_dropout (default 0.0)")
        double dropout,
        @Setting(doc = "Projections to adapt, by HF module name: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, "
                + "down_proj, or all-linear (all of them; never the output head). null: PEFT's default for "
                + "llama/qwen2/qwen3, q_proj and v_proj.", def = "null",
                paper = "PEFT LoraConfig.target_modules")
        List<String> targetModules,
        @Setting(doc = "Write model/ as the merged weights (base + every adapter of the chain), a plain HF directory, "
                + "instead of a directory that names its base and adapters; adapter/ is written either way.",
                def = "false")
        boolean writeMerged) {

    public LoraConfig {
        if (targetModules != null) {
            if (targetModules.isEmpty()) {
                throw new IllegalArgumentException("lora.target_modules: empty; allowed: "
                        + String.join(", ", LoraTargets.MODULES) + ", " + LoraTargets.ALL_LINEAR);
            }
            String bad = LoraTargets.firstUnknown(targetModules);
            if (bad != null) {
                throw new IllegalArgumentException("lora.target_modules: '" + bad + "' is not a projection; allowed: "
                        + String.join(", ", LoraTargets.MODULES) + ", " + LoraTargets.ALL_LINEAR);
            }
            targetModules = List.copyOf(targetModules);
        }
    }

    /** The module names trained: target_modules resolved (PEFT's default when null, all-linear expanded). */
    public List<String> targets() {
        return LoraTargets.resolve(targetModules);
    }
}
