package org.charlab.eval;

import org.charlab.config.Setting;

/** How completions are sampled; inlined into the eval stage (stages.eval.temperature). */
public record SamplingSettings(
        @Setting(doc = "Sampling temperature; 0 is greedy (then samples_per_prompt > 1 repeats the same "
                + "completion).", def = "0.7", min = 0, paper = "Maiya et al. 2025 sample at 0.7")
        double temperature,
        @Setting(doc = "Nucleus sampling: keep the most likely tokens whose probabilities reach top_p (1 = off).",
                def = "0.95", min = 0, max = 1, minExclusive = true, paper = "Maiya et al. 2025 use 0.95")
        double topP,
        @Setting(doc = "Keep only the k most likely tokens (0 = off).", def = "0", min = 0)
        int topK,
        @Setting(doc = "Most tokens generated per sample (CoT and output together, the stop token included); "
                + "a sample that reaches it has stop_reason 'length' and maybe an unclosed CoT.",
                def = "256", min = 1)
        int maxNewTokens) {
}
