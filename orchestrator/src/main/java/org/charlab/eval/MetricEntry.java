package org.charlab.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.charlab.stats.Interval;

/**
 * One entry of metrics.json: a metric of one condition over one family group ("all",
 * "in_distribution", "out_of_distribution" or a family name) with its interval. {@code n} is the
 * number of samples behind it and {@code clusters} the number of distinct prompts (the units
 * resampled). See docs/results-format.md.
 */
public record MetricEntry(String name, String condition, String family, Interval interval, int n, int clusters) {

    public static final String ALL = "all";
    /** Every family but the out-of-distribution ones (present when the eval names those). */
    public static final String IN_DISTRIBUTION = "in_distribution";
    /** The families the eval evaluates as out of distribution. */
    public static final String OUT_OF_DISTRIBUTION = "out_of_distribution";

    public boolean isDefined() {
        return interval.isDefined();
    }

    public double estimate() {
        return interval.estimate();
    }

    /** JSON fields in a fixed order; undefined numbers are null and "undefined" holds the reason (else null). */
    public Map<String, Object> toMap() {
        Map<String, Object> iv = interval.toMap();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("condition", condition);
        m.put("family", family);
        m.put("estimate", iv.get("estimate"));
        m.put("low", iv.get("low"));
        m.put("high", iv.get("high"));
        m.put("se", iv.get("se"));
        m.put("method", iv.get("method"));
        m.put("level", iv.get("level"));
        m.put("resamples", iv.get("resamples"));
        m.put("seed", iv.get("seed"));
        m.put("n", n);
        m.put("clusters", clusters);
        m.put("resampling", iv.get("resampling"));
        m.put("undefined", interval.undefinedReason());
        return m;
    }

    /** "trait.caps.output_rate [plain, all] 0.5000 [0.3000, 0.7000] (...)". */
    @Override
    public String toString() {
        return name + " [" + condition + ", " + family + "] " + interval;
    }
}
