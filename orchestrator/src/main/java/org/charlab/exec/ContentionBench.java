package org.charlab.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The measurement behind {@code charlab bench contention}: a short training loop of the tiny model,
 * each in its own JVM as a stage runs (so the OpenMP wait policy is read at library load, as in a
 * stage), alone and next to a CPU-bound competitor process that this class starts and stops. Also
 * the sweep shape: two loops one after the other with all cores each ({@code --jobs 1}) against
 * two at once with half the cores each ({@code --jobs 2}). Timing-only; nothing here asserts speed.
 */
public final class ContentionBench {

    /** The line a worker prints last: {@code @result STEPS_PER_S}. */
    public static final String RESULT = "@result ";
    /** The line a competitor prints once its threads run. */
    public static final String READY = "@ready";
    /** The wait-policy value that means "leave OMP_WAIT_POLICY unset" (libgomp's default spinning). */
    public static final String UNSET = "default";
    /**
     * Prefix of a policy value {@code spin:N}: OMP_WAIT_POLICY unset and libgomp's GOMP_SPINCOUNT=N, the
     * middle ground between spinning (libgomp's default, 300,000 spins) and PASSIVE (0).
     */
    public static final String SPIN = "spin:";
    /** libgomp's spin count before an idle thread sleeps. */
    public static final String SPIN_COUNT = "GOMP_SPINCOUNT";

    private final List<String> loopArgs;
    private final java.nio.file.Path log;

    /**
     * @param loopArgs arguments of the hidden {@code bench train-loop} command (steps, batch, seq)
     * @param log      file that receives the worker JVMs' stderr (engine banners, failures)
     */
    public ContentionBench(List<String> loopArgs, java.nio.file.Path log) {
        this.loopArgs = List.copyOf(loopArgs);
        this.log = log;
    }

    public java.nio.file.Path log() {
        return log;
    }

    /** Training steps/s of one loop in a fresh JVM with {@code threads} threads and the given wait policy. */
    public double loop(String policy, int threads) {
        return finish(startLoop(policy, threads));
    }

    /** Wall seconds of {@code n} loops, {@code parallel} at a time, each with {@code threads} threads. */
    public double wall(String policy, int n, int parallel, int threads) {
        long t0 = System.nanoTime();
        for (int done = 0; done < n; done += parallel) {
            List<Process> ps = new ArrayList<>();
            for (int i = 0; i < Math.min(parallel, n - done); i++) {
                ps.add(startLoop(policy, threads));
            }
            ps.forEach(this::finish);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Starts the competitor ({@code bench burn}) and returns once its threads run; close it to stop it. */
    public Process startCompetitor(int threads, String kind) {
        List<String> cmd = JvmCommand.charlab(List.of(), List.of("bench", "burn", "--threads=" + threads,
                "--kind=" + kind, "--parent-pid=" + ProcessHandle.current().pid()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        withPolicy(pb.environment(), UNSET, threads); // an unconfigured job, as a user's NumPy script would be
        try {
            Process p = pb.start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals(READY)) {
                    return p;
                }
            }
            throw new IllegalStateException("the competitor process ended before it started (exit " + p.waitFor()
                    + "); see " + log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the competitor JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sets OMP_WAIT_POLICY (removes it for {@link #UNSET} and {@code spin:N}), GOMP_SPINCOUNT (only for
     * {@code spin:N}: removed otherwise, so an exported value reaches neither a loop nor the competitor)
     * and OMP_NUM_THREADS.
     */
    static void withPolicy(Map<String, String> env, String policy, int threads) {
        env.put("OPT_OUT_TRACKING", "true");
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.remove(SPIN_COUNT);
        if (policy.equals(UNSET)) {
            env.remove(StageEnvironment.WAIT_POLICY);
        } else if (policy.startsWith(SPIN)) {
            env.remove(StageEnvironment.WAIT_POLICY);
            env.put(SPIN_COUNT, spinCount(policy));
        } else {
            env.put(StageEnvironment.WAIT_POLICY, policy);
        }
    }

    /** N of a {@code spin:N} policy, checked to be a non-negative integer. */
    public static String spinCount(String policy) {
        String n = policy.substring(SPIN.length());
        if (!n.matches("\\d+")) {
            throw new org.charlab.BadInput("--policies: '" + policy + "': spin:N needs a count of spins >= 0");
        }
        return n;
    }

    private Process startLoop(String policy, int threads) {
        List<String> args = new ArrayList<>(List.of("bench", "train-loop", "--threads=" + threads));
        args.addAll(loopArgs);
        ProcessBuilder pb = new ProcessBuilder(JvmCommand.charlab(
                List.of("-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1"), args))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        withPolicy(pb.environment(), policy, threads);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a training-loop JVM", e);
        }
    }

    /** Waits for a loop JVM and returns the steps/s it printed. */
    private double finish(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            double result = Double.NaN;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(RESULT)) {
                    result = Double.parseDouble(line.substring(RESULT.length()).trim());
                }
            }
            int rc = p.waitFor();
            if (rc != 0 || Double.isNaN(result)) {
                throw new IllegalStateException("a training-loop JVM failed (exit " + rc + "); see " + log);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
