package org.charlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.charlab.BadInput;
import org.charlab.exec.ContentionBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code charlab bench contention}: a stage's speed next to a competing CPU-bound process, per OpenMP wait policy. */
@Command(name = "contention",
        mixinStandardHelpOptions = true,
        description = {"Training steps/s of the tiny model in a stage-like JVM, alone and next to a CPU-bound "
                + "competitor this command starts, for each OpenMP wait policy (contended / solo ratios measured in "
                + "the same run); then the wall time of a 2-loop sweep at --jobs 1 against --jobs 2."})
public final class BenchContentionCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "20", description = "Timed training steps per loop (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Rows per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per row (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--threads", defaultValue = "0", description = "Threads of the measured loop; 0 = all cores (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--policies", split = ",", defaultValue = "default,PASSIVE",
            description = "OMP_WAIT_POLICY values to compare; 'default' leaves it unset, 'spin:N' leaves it unset with "
                    + "GOMP_SPINCOUNT=N (default ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(names = "--competitor", defaultValue = "java",
            description = "Competitor: java (a pure-Java arithmetic loop) or matmul (libtorch matmuls with OpenMP's default spinning, like a NumPy job) (default ${DEFAULT-VALUE}).")
    String competitor;

    @Option(names = "--competitor-threads", defaultValue = "0", description = "Competitor threads; 0 = all cores (default ${DEFAULT-VALUE}).")
    int competitorThreads;

    @Option(names = "--sweep-loops", defaultValue = "2", description = "Loops in the --jobs 1 vs --jobs 2 comparison; 0 skips it (default ${DEFAULT-VALUE}).")
    int sweepLoops;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!competitor.equals("java") && !competitor.equals("matmul")) {
            throw new BadInput("--competitor: '" + competitor + "' is not java or matmul");
        }
        policies.stream().filter(p -> p.startsWith(org.charlab.exec.ContentionBench.SPIN))
                .forEach(org.charlab.exec.ContentionBench::spinCount); // a bad count: one line before any JVM starts
        PrintWriter out = spec.commandLine().getOut();
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads > 0 ? threads : cores;
        int ct = competitorThreads > 0 ? competitorThreads : cores;
        java.nio.file.Path log = java.nio.file.Files.createTempFile("charlab-bench-contention-", ".log");
        ContentionBench bench = new ContentionBench(List.of("--steps=" + steps, "--batch=" + batch, "--seq=" + seq), log);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("cores", cores);
        report.put("load_average_at_start", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report.put("loop", Map.of("model", "tiny", "batch", batch, "seq", seq, "steps", steps, "threads", t));
        report.put("competitor", Map.of("kind", competitor, "threads", ct));
        line(out, "worker JVM logs: %s", log);
        line(out, "tiny model, batch %d x %d, %d timed steps, %d threads; competitor: %d-thread %s loop", batch, seq,
                steps, t, ct, competitor);
        Map<String, Object> byPolicy = new LinkedHashMap<>();
        Double firstSolo = null;
        for (String policy : policies) {
            double solo = bench.loop(policy, t);
            double contended;
            Process rival = bench.startCompetitor(ct, competitor);
            try {
                contended = bench.loop(policy, t);
            } finally {
                rival.destroyForcibly();
                rival.waitFor();
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("solo_steps_per_s", solo);
            r.put("contended_steps_per_s", contended);
            r.put("contended_over_solo", contended / solo);
            if (firstSolo != null) {
                r.put("solo_over_" + policies.get(0) + "_solo", solo / firstSolo);
            }
            line(out, "OMP_WAIT_POLICY=%-8s solo %.2f steps/s, contended %.2f steps/s, contended/solo %.2f%s", policy,
                    solo, contended, contended / solo,
                    firstSolo == null ? "" : String.format(Locale.ROOT, ", solo / %s solo %.2f", policies.get(0), solo / firstSolo));
            if (firstSolo == null) {
                firstSolo = solo;
            }
            if (sweepLoops > 0) {
                double jobs1 = bench.wall(policy, sweepLoops, 1, t);
                double jobs2 = bench.wall(policy, sweepLoops, 2, Math.max(1, t / 2));
                r.put("sweep_jobs1_wall_s", jobs1);
                r.put("sweep_jobs2_wall_s", jobs2);
                r.put("sweep_jobs2_over_jobs1", jobs2 / jobs1);
                line(out, "OMP_WAIT_POLICY=%-8s %d-loop sweep: --jobs 1 (%d threads) %.1f s, --jobs 2 (%d each) %.1f s, jobs2/jobs1 %.2f",
                        policy, sweepLoops, t, jobs1, Math.max(1, t / 2), jobs2, jobs2 / jobs1);
            }
            byPolicy.put(policy, r);
        }
        report.put("policies", byPolicy);
        report.put("load_average_at_end", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private void line(PrintWriter out, String fmt, Object... args) {
        String s = String.format(Locale.ROOT, fmt, args);
        if (json) {
            System.err.println(s);
        } else {
            out.println(s);
            out.flush();
        }
    }
}
