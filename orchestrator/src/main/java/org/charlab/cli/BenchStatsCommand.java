package org.charlab.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.charlab.stats.ClusterBootstrap;
import org.charlab.stats.Clusters;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Benchmark of the cluster bootstrap: a synthetic eval of PROMPTS prompts x SAMPLES 0/1 samples,
 * then RESAMPLES cluster-bootstrap resamples to a percentile interval, timed end to end from the
 * per-sample arrays (grouping, resampling, sorting, quantiles), repeated after a JIT warm-up.
 * bench_numpy.py in src/test/resources/stats does the same work in vectorised NumPy.
 * Meant to be mounted as {@code charlab bench stats}.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Time the cluster bootstrap (default: 2,000 prompts x 4 samples, 10,000 resamples) "
                + "and report the median and minimum wall time.")
public final class BenchStatsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--prompts", defaultValue = "2000", description = "Prompts (clusters). Default: ${DEFAULT-VALUE}.")
    int prompts;

    @Option(names = "--samples", defaultValue = "4", description = "Samples per prompt. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--resamples", defaultValue = "10000", description = "Bootstrap resamples. Default: ${DEFAULT-VALUE}.")
    int resamples;

    @Option(names = "--repetitions", defaultValue = "30", description = "Timed repetitions. Default: ${DEFAULT-VALUE}.")
    int repetitions;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed warm-up runs (JIT). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of data and bootstrap. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // Synthetic eval: prompt difficulty p_i ~ U(0,1), sample j of prompt i is 1 with probability p_i.
        SplittableRandom data = new SplittableRandom(seed);
        double[] values = new double[prompts * samples];
        int[] ids = new int[prompts * samples];
        for (int i = 0; i < prompts; i++) {
            double p = data.nextDouble();
            for (int j = 0; j < samples; j++) {
                values[i * samples + j] = data.nextDouble() < p ? 1 : 0;
                ids[i * samples + j] = i;
            }
        }
        long c0 = System.nanoTime();
        Interval last = run(values, ids);
        double coldMs = (System.nanoTime() - c0) / 1e6;
        for (int w = 0; w < warmup; w++) {
            last = run(values, ids);
        }
        double[] ms = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long t0 = System.nanoTime();
            last = run(values, ids);
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        double median = repetitions % 2 == 1 ? ms[repetitions / 2] : (ms[repetitions / 2 - 1] + ms[repetitions / 2]) / 2;
        out.printf(Locale.ROOT, "cluster bootstrap: %d prompts x %d samples, %d resamples, %d threads available%n",
                prompts, samples, resamples, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "wall time over %d repetitions (after %d warm-up): median %.1f ms, min %.1f ms, max %.1f ms%n",
                repetitions, warmup, median, ms[0], ms[repetitions - 1]);
        out.printf(Locale.ROOT, "first (cold, JIT not warm) run: %.1f ms%n", coldMs);
        out.println("interval: " + last);
        out.flush();
        return Main.EXIT_OK;
    }

    private Interval run(double[] values, int[] ids) {
        return ClusterBootstrap.of(Clusters.of(values, ids), ClusterBootstrap.Estimator.POOLED_MEAN,
                Method.PERCENTILE, 0.95, resamples, seed);
    }

    /** Runs the benchmark without the rest of the CLI: java -cp ... org.charlab.cli.BenchStatsCommand. */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new BenchStatsCommand()).execute(args));
    }
}
