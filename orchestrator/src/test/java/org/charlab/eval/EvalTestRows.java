package org.charlab.eval;

import java.util.Map;

/** Builds sample rows for tests. */
final class EvalTestRows {

    private EvalTestRows() {
    }

    static SampleRow row(String condition, String promptId, String family, int sample, String cot, String output) {
        return new SampleRow(condition, promptId, family, sample, 0, null, null, cot, output, true, 1, 10,
                cot == null ? 0 : cot.split("\\s+").length, output.split("\\s+").length, 20, "stop", Map.of(), Map.of());
    }

    static SampleRow scored(String promptId, int sample, double cotPresent, double outPresent) {
        return row("plain", promptId, "arithmetic", sample, "c", "o").withScores(Map.of(
                "trait.x.cot", cotPresent, "trait.x.cot_present", cotPresent,
                "trait.x.output", outPresent, "trait.x.output_present", outPresent), Map.of());
    }
}
