package org.charlab.config;

import java.util.List;

/** What `charlab run` prints and writes when a sweep with evaluations finishes, and what `report` defaults to. */
@Doc("The comparison printed at the end of `charlab run` and the defaults of `charlab report`.")
public record ReportConfig(
        @Setting(doc = "Print the comparison table and write report/ when the sweep finishes with evaluated runs.",
                def = "true")
        boolean auto,
        @Setting(doc = "Arm every other arm is paired against (paired differences on the same prompts); null: none.",
                def = "null")
        String baseline,
        @Setting(doc = "Metrics in the printed table (names from metrics.json, * wildcards).",
                def = "['trait.*.output_rate', 'trait.*.cot_rate', 'capability.accuracy.*', 'quality.well_formed_rate']")
        List<String> metrics,
        @Setting(doc = "An arm whose well-formed rate (quality.well_formed_rate) is below this has its output trait "
                + "rates flagged as measured on malformed output in the report and compare; judge such an arm on "
                + "trait.<t>.output_rate_wellformed.", def = "0.9", min = 0, max = 1)
        double wellFormedBound) {
}
