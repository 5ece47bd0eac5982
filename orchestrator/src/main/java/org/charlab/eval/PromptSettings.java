package org.charlab.eval;

import java.util.List;
import java.util.Map;
import org.charlab.config.Doc;
import org.charlab.config.FileRef;
import org.charlab.config.Setting;

/** Which prompts are evaluated. */
@Doc("The evaluation prompts: charworld's held-out test items (in distribution and the out-of-distribution "
        + "family), or a prompt JSONL file (docs/data-formats.md).")
public record PromptSettings(
        @Setting(doc = "A prompt JSONL file (id, messages, answer, family per line). When set, the charworld "
                + "sets below are not used.", def = "null")
        FileRef file,
        @Setting(doc = "charworld test items per in-distribution family (arithmetic, lookup, advice by default).",
                def = "20", min = 0)
        int inDistributionPerFamily,
        @Setting(doc = "charworld test items of the out-of-distribution family (world.ood_family).", def = "20",
                min = 0)
        int oodPerFamily,
        @Setting(doc = "Seed of the order in which charworld test items are picked; the same seed gives the "
                + "same prompts in every arm, so arms can be compared prompt by prompt.", def = "0")
        long seed,
        @Setting(doc = "Families evaluated as out of distribution: metrics are also reported over them "
                + "(family out_of_distribution) and over every other family (in_distribution). Empty: "
                + "world.ood_family for charworld's sets, none for a prompt file.", def = "[]")
        List<String> oodFamilies,
        @Setting(doc = "charworld test items for named families, overriding the two counts above (e.g. {arithmetic: "
                + "60} for a capability interval narrow enough to decide; a family's first items are the same for "
                + "any count). null: none.", def = "null", omitWhenNull = true)
        Map<String, Integer> perFamily) {

    public PromptSettings {
        oodFamilies = oodFamilies == null ? List.of() : List.copyOf(oodFamilies);
        perFamily = perFamily == null || perFamily.isEmpty() ? null : Map.copyOf(perFamily);
        if (perFamily != null) {
            perFamily.forEach((f, n) -> {
                if (n == null || n < 0) {
                    throw new IllegalArgumentException("per_family." + f + ": a count >= 0, got " + n);
                }
            });
        }
    }

    /** The items to draw of {@code family}: its per_family count, else the in- or out-of-distribution count. */
    public int count(String family, boolean outOfDistribution) {
        Integer n = perFamily == null ? null : perFamily.get(family);
        return n != null ? n : outOfDistribution ? oodPerFamily : inDistributionPerFamily;
    }
}
