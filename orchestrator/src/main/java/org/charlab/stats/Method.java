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
    WILSON,
    /**
     * Student t interval, estimate +- t_{df, 1-alpha/2} * SE, with the SE and df of a moment
     * estimator: the crossed seed x prompt variance with Satterthwaite df ({@link CrossedDesign}) or
     * the plain variance of per-seed estimates with df = seeds - 1 ({@link StudentT#ofMeans}).
     */
    T,
    /**
     * Korn and Graubard (1998) interval for a proportion from clustered data: Clopper-Pearson on
     * the effective sample size, df-adjusted ({@link KornGraubard}).
     */
    KORN_GRAUBARD;

    /** "percentile", "bca", "wilson", "t" or "korn-graubard". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a label case-insensitively; IllegalArgumentException names the allowed values. */
    public static Method parse(String label) {
        for (Method m : values()) {
            if (m.label().equalsIgnoreCase(label.trim())) {
                return m;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (Method m : values()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(m.label());
        }
        throw new IllegalArgumentException("unknown method '" + label + "' (allowed: " + allowed + ")");
    }
}
