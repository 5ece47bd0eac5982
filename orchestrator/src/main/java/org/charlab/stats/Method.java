package org.charlab.stats;

import java.util.Locale;

/** How an interval was computed. The lower-case name is what JSON output and the CLI use. */
public enum Method {
    /** Efron's percentile interval: the alpha/2 and 1-alpha/2 quantiles of the bootstrap estimates. */
    PERCENTILE,
    /**
     * Bias-corrected and accelerated bootstrap (Efron and Tibshirani 1993, ch. 14.3; eq. 14.10 and
     * the jackknife acceleration 14.15), computed as scipy.stats.bootstrap(method='BCa') does.
     */
    BCA,
    /** Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998 method 3). */
    WILSON;

    /** "percentile", "bca" or "wilson". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label case-insensitively; IllegalArgumentException names the allowed values. */
    public static Method parse(String label) {
        for (Method m : values()) {
            if (m.label().equalsIgnoreCase(label.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + label + "' (allowed: percentile, bca, wilson)");
    }
}
