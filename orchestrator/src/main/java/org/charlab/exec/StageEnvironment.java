package org.charlab.exec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Environment variables of a stage JVM. libtorch's CPU build parallelises with GNU OpenMP (libgomp),
 * whose worker threads by default spin for a while after each parallel region before sleeping. On
 * a machine shared with another CPU-bound process (a second stage, a NumPy job) the spinning
 * threads burn the time slices the working threads need: a 2-thread stage slowed about ten times
 * instead of two. {@code OMP_WAIT_POLICY=PASSIVE} makes idle OpenMP threads sleep at once (libgomp
 * and Intel's libiomp both honour it); {@code charlab bench contention} measures the effect, solo
 * and contended, in one run.
 *
 * <p>glibc's malloc serves large blocks (over 128 KiB at first, a threshold that then follows the
 * blocks freed) with mmap and gives freed memory back to the kernel (munmap, or trimming a heap's
 * top), so a training step's activations, megabytes each and freed every step, can come back as fresh
 * zeroed pages every step. {@code MALLOC_MMAP_THRESHOLD_} and {@code MALLOC_TRIM_THRESHOLD_} at 256 MiB
 * (mallopt(3)) keep blocks below that size in malloc's heaps, reused step after step; a process may
 * keep up to that much freed memory instead of returning it. Where memory comes from changes, not
 * what is computed: a stage's numbers stay the same bit for bit. A value the user exported is kept,
 * for each of the three variables.
 */
public final class StageEnvironment {

    public static final String WAIT_POLICY = "OMP_WAIT_POLICY";
    public static final String DEFAULT_WAIT_POLICY = "PASSIVE";
    /** glibc's malloc tunables (mallopt(3)), both 256 MiB for stages. */
    public static final String MMAP_THRESHOLD = "MALLOC_MMAP_THRESHOLD_";
    public static final String TRIM_THRESHOLD = "MALLOC_TRIM_THRESHOLD_";
    public static final String DEFAULT_MALLOC_THRESHOLD = "268435456";
    public static final List<String> MALLOC_THRESHOLDS = List.of(MMAP_THRESHOLD, TRIM_THRESHOLD);

    private StageEnvironment() {
    }

    /** Variables to set in a stage JVM's environment, given the environment it would inherit. */
    public static Map<String, String> forStage(int threads, Map<String, String> inherited) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPT_OUT_TRACKING", "true");
        env.put("OMP_NUM_THREADS", String.valueOf(threads));
        env.put(WAIT_POLICY, inherited.getOrDefault(WAIT_POLICY, DEFAULT_WAIT_POLICY));
        for (String name : MALLOC_THRESHOLDS) {
            env.put(name, inherited.getOrDefault(name, DEFAULT_MALLOC_THRESHOLD));
        }
        return env;
    }
}
