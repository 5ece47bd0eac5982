package org.charlab.exec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Environment variables of a stage JVM. libtorch's CPU build parallelises with GNU OpenMP (libgomp),
 * whose worker threads by default spin for a while after each parallel region before sleeping. On
 * a machine shared with another CPU-bound process (a second stage, a NumPy job) the spinning
 * threads burn the time slices the working threads need: a 2-thread stage slowed about ten times
 * instead of two. {@code OMP_WAIT_POLICY=PASSIVE} makes idle OpenMP threads sleep at once (libgomp
 * and Intel's libiomp both honour it); {@code charlab bench contention} measures the effect, solo
 * and contended, in one run. A value the user exported is kept.
 */
public final class StageEnvironment {

    public static final String WAIT_POLICY = "OMP_WAIT_POLICY";
    public static final String DEFAULT_WAIT_POLICY = "PASSIVE";

    private StageEnvironment() {
    }

    /** Variables to set in a stage JVM's environment, given the environment it would inherit. */
    public static Map<String, String> forStage(int threads, Map<String, String> inherited) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPT_OUT_TRACKING", "true");
        env.put("OMP_NUM_THREADS", String.valueOf(threads));
        env.put(WAIT_POLICY, inherited.getOrDefault(WAIT_POLICY, DEFAULT_WAIT_POLICY));
        return env;
    }
}
