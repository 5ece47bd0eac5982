package org.charlab.testing;

import java.io.PrintStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A test's prerequisite from outside the code (a fetched asset, Chromium, a Slurm install). Under CI
 * ({@code CI=true}, as GitHub Actions and GitLab set it) a missing one FAILS the test with its reason, so
 * a green CI cannot hide a check that never ran; elsewhere (a developer's laptop) it skips the test as a
 * JUnit assumption and prints the reason to stderr, where the build log shows it. Not for the GPU test:
 * CI has no GPU, so that one stays a skip everywhere.
 */
public final class Prerequisite {

    private Prerequisite() {
    }

    /** Passes when {@code present}; else fails under CI and skips elsewhere, with {@code reason}. */
    public static void require(boolean present, String reason) {
        require(present, reason, System.getenv("CI"), System.err);
    }

    /** {@link #require(boolean, String)} with the CI variable's value given (null: unset) and the log to warn on. */
    static void require(boolean present, String reason, String ci, PrintStream log) {
        if (present) {
            return;
        }
        if (underCi(ci)) {
            Assertions.fail("prerequisite missing under CI=" + ci + " (a skip would hide this check): " + reason);
        }
        log.println("SKIPPED (prerequisite missing; fails under CI=true): " + reason);
        Assumptions.abort(reason);
    }

    /** CI=true (any case) or CI=1; unset, empty, false or 0 is not CI. */
    static boolean underCi(String ci) {
        return ci != null && (ci.equalsIgnoreCase("true") || ci.trim().equals("1"));
    }
}
