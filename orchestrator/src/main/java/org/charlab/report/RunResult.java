package org.charlab.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.charlab.eval.MetricEntry;
import org.charlab.eval.SampleRow;

/**
 * The evaluation of one run, as compare and report see it: where it sits in its sweep (arm, seed,
 * the other sweep axes) and what its eval stage wrote (metrics.json and samples.jsonl).
 */
public record RunResult(String experiment, String sweepId, Path sweepDir, String runId, String arm, long seed,
        Map<String, Object> axes, String stage, List<MetricEntry> metrics, List<SampleRow> samples) {

    /** Arm plus any grid/zip values: the runs of one group differ only in their seed. */
    public String group() {
        if (axes.isEmpty()) {
            return arm;
        }
        return arm + " " + axes.entrySet().stream()
                .map(e -> e.getKey().substring(e.getKey().lastIndexOf('.') + 1) + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
