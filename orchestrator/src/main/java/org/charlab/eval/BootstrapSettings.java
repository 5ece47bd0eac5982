package org.charlab.eval;

import org.charlab.config.Doc;
import org.charlab.config.Setting;
import org.charlab.stats.Method;

/** How intervals are computed. */
@Doc("Confidence intervals of the metrics: bootstrap method, level, resamples and seed (recorded with every interval).")
public record BootstrapSettings(
        @Setting(doc = "Bootstrap interval: percentile or bca. Rates of yes/no outcomes with one sample per "
                + "prompt use Wilson instead (see docs/results-format.md).", def = "percentile",
                paper = "Tan et al. 2025 use percentile with 2000 resamples")
        BootMethod method,
        @Setting(doc = "Confidence level of every interval.", def = "0.95", min = 0, max = 1, minExclusive = true)
        double level,
        @Setting(doc = "Bootstrap resamples per interval.", def = "2000", min = 1)
        int resamples,
        @Setting(doc = "RNG seed of every bootstrap (recorded in each interval).", def = "0")
        long seed) {

    public BootstrapSettings {
        if (level >= 1) {
            throw new IllegalArgumentException("bootstrap level must be < 1, is " + level);
        }
    }

    public static BootstrapSettings defaults() {
        return new BootstrapSettings(BootMethod.PERCENTILE, 0.95, 2000, 0);
    }

    /** The bootstrap methods a user may pick (Wilson is chosen per metric, not configured). */
    public enum BootMethod {
        @Doc("Efron's percentile interval.")
        PERCENTILE,
        @Doc("Bias-corrected and accelerated bootstrap.")
        BCA;

        public Method method() {
            return this == PERCENTILE ? Method.PERCENTILE : Method.BCA;
        }
    }
}
