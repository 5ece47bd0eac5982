package org.charlab.stats;

import java.util.Map;

/**
 * A paired difference (A minus B) with its interval and a two-sided bootstrap p-value for
 * "no difference"; see {@link PairedBootstrap} for the definitions. pValue is NaN when the
 * interval is undefined.
 */
public record PairedDifference(Interval interval, double pValue) {

    /** The interval's JSON fields plus "p_value". */
    public Map<String, Object> toMap() {
        Map<String, Object> m = interval.toMap();
        m.put("p_value", Double.isFinite(pValue) ? pValue : null);
        return m;
    }

    @Override
    public String toString() {
        return interval + (Double.isFinite(pValue) ? String.format(java.util.Locale.ROOT, ", p = %.4g", pValue) : "");
    }
}
