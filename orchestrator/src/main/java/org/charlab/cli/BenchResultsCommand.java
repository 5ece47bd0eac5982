package org.charlab.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.charlab.plan.Plan;
import org.charlab.results.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code charlab bench results}: writes a synthetic sweep ({@link SyntheticSweep}: RUNS runs x SAMPLES
 * samples, laid out as {@code charlab run} leaves it) to a temporary directory, then times
 * {@code compare --baseline ARM --format json}, {@code report} and {@code plan} of a PLAN_RUNS-run sweep,
 * each in a fresh JVM with {@code -Xmx HEAP} (what a user's command costs, JVM start included), and
 * prints the wall time, the time inside the command, the process's CPU time (comparable on a busy machine)
 * and the peak heap of each.
 */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = "Time compare and report over a synthetic sweep (default 100 runs x 10,000 samples) and plan "
                + "of a 1,000-run sweep, each in its own JVM with a bounded heap; prints wall time and peak heap.")
public final class BenchResultsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--runs", defaultValue = "100", description = "Runs of the synthetic sweep (arms x seeds). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--samples", defaultValue = "10000", description = "samples.jsonl rows per run. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--per-prompt", defaultValue = "5", description = "Samples per prompt and condition. Default: ${DEFAULT-VALUE}.")
    int perPrompt;

    @Option(names = "--plan-runs", defaultValue = "1000", description = "Runs of the sweep timed by plan. Default: ${DEFAULT-VALUE}.")
    int planRuns;

    @Option(names = "--experiment", defaultValue = "experiments/quickstart.yaml",
            description = "Experiment planned for the sweep (its arms; seeds are set to fill the runs). Default: ${DEFAULT-VALUE}.")
    Path experiment;

    @Option(names = "--baseline", defaultValue = "plain", description = "Arm compare pairs against. Default: ${DEFAULT-VALUE}.")
    String baseline;

    @Option(names = "--heap", defaultValue = "1g", description = "-Xmx of the timed JVMs. Default: ${DEFAULT-VALUE}.")
    String heap;

    @Option(names = "--metrics-resamples", defaultValue = "200",
            description = "Bootstrap resamples of the synthetic metrics.json files (writing only). Default: ${DEFAULT-VALUE}.")
    int metricsResamples;

    @Option(names = "--dir", description = "Write the sweep here and keep it (default: a temporary directory, deleted).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path root = dir != null ? dir : Files.createTempDirectory("charlab-bench-results");
        try {
            int arms = SyntheticSweep.plan(experiment, 1, "probe").runs().size();
            int seeds = Math.max(1, runs / arms);
            long t0 = System.nanoTime();
            Plan plan = SyntheticSweep.plan(experiment, seeds, "bench");
            Path sweep = SyntheticSweep.write(plan, root.resolve("results"), samples, perPrompt, metricsResamples);
            double writeS = (System.nanoTime() - t0) / 1e9;
            long bytes;
            try (var files = Files.walk(root.resolve("results"))) {
                bytes = files.filter(p -> p.getFileName().toString().equals("samples.jsonl"))
                        .mapToLong(p -> p.toFile().length()).sum();
            }
            out.printf(Locale.ROOT, "synthetic sweep: %d runs (%d arms x %d seeds) x %d samples = %,d rows, "
                    + "samples.jsonl %.0f MiB, written in %.1f s%n", plan.runs().size(), arms, seeds, samples,
                    (long) plan.runs().size() * samples, bytes / 1048576.0, writeS);
            out.printf(Locale.ROOT, "timed in fresh JVMs with -Xmx%s; %d processors; load average %.2f%n", heap,
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            out.flush();
            time(out, "compare", List.of("compare", sweep.toString(), "--baseline", baseline, "--format", "json"));
            time(out, "report", List.of("report", sweep.toString(), "--baseline", baseline, "--out",
                    root.resolve("report").toString()));
            int planSeeds = Math.max(1, planRuns / arms);
            String list = LongStream.range(0, planSeeds).mapToObj(Long::toString)
                    .collect(Collectors.joining(",", "[", "]"));
            time(out, "plan (" + planSeeds * arms + " runs)", List.of("plan", experiment.toString(),
                    "sweep.seeds=" + list, "--results", root.resolve("plan-results").toString()));
        } finally {
            if (dir == null) {
                AtomicFiles.deleteTree(root);
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** Runs one charlab command in a child JVM and prints its wall time, time in the command and peak heap. */
    private void time(PrintWriter out, String what, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add("-Xmx" + heap);
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Child.class.getName());
        cmd.addAll(args);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        String last = text.lines().filter(l -> l.startsWith("bench-child ")).reduce((a, b) -> b).orElse("");
        if (rc != 0 || last.isEmpty()) {
            out.printf(Locale.ROOT, "%-20s FAILED (exit %d): %s%n", what, rc, text.strip());
            out.flush();
            return;
        }
        String[] f = last.split(" ");
        out.printf(Locale.ROOT, "%-20s wall %6.2f s (JVM start included), in the command %6.2f s, process CPU %6.2f s, "
                + "peak heap %5.0f MiB, output %,d bytes%n", what, wall, Double.parseDouble(f[1]),
                Double.parseDouble(f[4]), Long.parseLong(f[2]) / 1048576.0, Long.parseLong(f[3]));
        out.flush();
    }

    /**
     * The timed child: runs one charlab command with its output counted, not kept, then prints
     * "bench-child SECONDS PEAK_HEAP_BYTES OUTPUT_BYTES CPU_SECONDS" (peak heap = sum of the heap pools'
     * peaks; CPU = the whole process's CPU time, JIT and GC threads included: the figure to read on a busy machine).
     */
    public static final class Child {
        public static void main(String[] args) {
            long[] count = {0};
            OutputStream sink = new OutputStream() {
                @Override
                public void write(int b) {
                    count[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    count[0] += len;
                }
            };
            var cl = Main.commandLine();
            cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(sink, StandardCharsets.UTF_8), true));
            long t0 = System.nanoTime();
            int rc = cl.execute(args);
            double s = (System.nanoTime() - t0) / 1e9;
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            double cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() / 1e9 : Double.NaN;
            System.out.printf(Locale.ROOT, "bench-child %.3f %d %d %.3f%n", s, peak, count[0], cpu);
            System.exit(rc);
        }
    }
}
