package org.charlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.charlab.exec.ClassDataArchive;
import org.charlab.exec.JvmCommand;
import org.charlab.exec.StageEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code charlab bench stage-overhead}: the fixed cost of a stage JVM, without and with the class-data archive. */
@Command(name = "stage-overhead",
        mixinStandardHelpOptions = true,
        description = {"Wall time of a near-empty stage JVM (JVM start, class loading, PyTorch engine init, one tiny "
                + "training step), without and with the AppCDS archive (built first if missing), alternating runs; "
                + "prints the medians and their ratio. Needs the launcher's single-jar classpath (./charlab)."})
public final class BenchStageOverheadCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs", defaultValue = "5", description = "Runs of each variant (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> cds = ClassDataArchive.forThisJvm(out::println);
        if (cds.isEmpty()) {
            out.println("no class-data archive for classpath " + System.getProperty("java.class.path")
                    + " (only a single jar can be archived: run through ./charlab); measuring without it only");
        }
        double[] plain = new double[runs];
        double[] shared = new double[runs];
        for (int i = 0; i < runs; i++) {
            plain[i] = wall(List.of("-Xshare:auto"));
            if (!cds.isEmpty()) {
                shared[i] = wall(cds);
            }
        }
        double p = median(plain);
        out.println(String.format(Locale.ROOT, "stage JVM without archive: median %.2f s over %d runs %s", p, runs,
                Arrays.toString(plain)));
        if (!cds.isEmpty()) {
            double s = median(shared);
            out.println(String.format(Locale.ROOT, "stage JVM with archive:    median %.2f s over %d runs %s", s, runs,
                    Arrays.toString(shared)));
            out.println(String.format(Locale.ROOT, "with / without: %.2f (saves %.2f s per stage)", s / p, p - s));
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private static double wall(List<String> jvmOptions) throws Exception {
        List<String> args = new ArrayList<>(ClassDataArchive.TRAINING);
        ProcessBuilder pb = new ProcessBuilder(JvmCommand.charlab(jvmOptions, args))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(StageEnvironment.forStage(1, pb.environment()));
        long t0 = System.nanoTime();
        int rc = pb.start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("a stage-overhead JVM failed with exit " + rc + ": " + pb.command());
        }
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
