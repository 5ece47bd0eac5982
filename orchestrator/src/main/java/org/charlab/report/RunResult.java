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
        String point = point();
        return point.isEmpty() ? arm : arm + " " + point;
    }

    /** The grid/zip values alone ("cot_style=planner"), empty without a grid: where an arm's baseline is found. */
    public String point() {
        return axes.entrySet().stream()
                .map(e -> e.getKey().substring(e.getKey().lastIndexOf('.') + 1) + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** Whether {@code baseline} names this run's group, or its arm (then at any grid point). */
    public boolean matchesBaseline(String baseline) {
        return group().equals(baseline) || arm.equals(baseline);
    }
}
