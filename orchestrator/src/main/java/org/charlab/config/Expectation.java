package org.charlab.config;

/**
 * A published finding an experiment sets out to reproduce, judged by the report from intervals
 * alone: reproduced when the whole interval satisfies the bound, not reproduced when the whole
 * interval violates it, inconclusive otherwise. Never a hard-coded verdict.
 */
@Doc("A claim from the literature, checked against this experiment's intervals.")
public record Expectation(
        @Setting(doc = "The claim in words, shown in the report (e.g. 'inoculating Spanish keeps CAPS').", def = "''")
        String claim,
        @Setting(doc = "Metric name as written in metrics.json, e.g. trait.caps.output_rate.")
        String metric,
        @Setting(doc = "Evaluation condition the metric is read under (e.g. plain).", def = "plain")
        String condition,
        @Setting(doc = "Task family, `all`, `in_distribution` or `out_of_distribution` (the eval's "
                + "prompts.ood_families, by default charworld's world.ood_family).", def = "all")
        String family,
        @Setting(doc = "The arm the claim is about.")
        String arm,
        @Setting(doc = "Compare against this arm (paired difference on the same prompts, arm - baseline); null "
                + "compares the arm's own value to the bound.", def = "null")
        String baseline,
        @Setting(doc = "at_least: the value (or difference) must be >= value; at_most: <= value.", def = "at_least")
        Relation relation,
        @Setting(doc = "The bound on the value or on the difference from the baseline.", def = "0")
        double value,
        @Setting(doc = "Name of the eval stage whose metrics are read; null takes the run's last eval stage.", def = "null")
        String stage,
        @Setting(doc = "Where the claim comes from (paper, table, figure).", def = "''")
        String paper) {

    /** Which side of the bound the claim is on. */
    public enum Relation {
        @Doc("The value must be at least the bound.")
        AT_LEAST,
        @Doc("The value must be at most the bound.")
        AT_MOST
    }
}
