package org.charlab.report;

import org.charlab.config.Expectation;

/** How an expectation came out, decided from an interval and nothing else. */
public enum Verdict {
    REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, NOT_MEASURED;

    /**
     * Reproduced when the whole interval [low, high] satisfies the bound, not reproduced when the
     * whole interval violates it, inconclusive when it straddles the bound.
     */
    public static Verdict judge(double low, double high, Expectation.Relation relation, double bound) {
        if (Double.isNaN(low) || Double.isNaN(high)) {
            return NOT_MEASURED;
        }
        return switch (relation) {
            case AT_LEAST -> low >= bound ? REPRODUCED : high < bound ? NOT_REPRODUCED : INCONCLUSIVE;
            case AT_MOST -> high <= bound ? REPRODUCED : low > bound ? NOT_REPRODUCED : INCONCLUSIVE;
        };
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
