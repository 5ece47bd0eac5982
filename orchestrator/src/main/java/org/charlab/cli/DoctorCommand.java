package org.charlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.charlab.config.RuntimeConfig;
import org.charlab.model.Engines;
import org.charlab.model.NativeReport;
import org.charlab.train.DeviceSelfCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code charlab doctor}: is this machine ready to train? Prints the versions, the natives and the
 * devices ({@link NativeReport}), runs {@link DeviceSelfCheck} on each device against the CPU, and
 * prints one line per problem with its fix. Exit 0 when every check passes, 1 otherwise.
 */
@Command(name = "doctor",
        mixinStandardHelpOptions = true,
        description = {"Java, DJL and PyTorch versions, where the natives were loaded from and their flavor, the "
                + "devices the engine sees, and a few training and greedy-generation steps of the tiny model on each "
                + "device compared with the CPU's; one line per problem with its fix. Exit 0 when all pass, 1 otherwise."})
public final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "3", description = "Training steps per device (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--new-tokens", defaultValue = "16", description = "Greedy tokens per device (default ${DEFAULT-VALUE}).")
    int newTokens;

    private final Supplier<NativeReport> probe;

    public DoctorCommand() {
        this(NativeReport::probe);
    }

    /** With another source of the native report (tests inject a broken environment). */
    public DoctorCommand(Supplier<NativeReport> probe) {
        this.probe = probe;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (steps < 1 || newTokens < 1) {
            throw new org.charlab.BadInput("--steps and --new-tokens must be at least 1");
        }
        NativeReport r;
        String engineFailure = null;
        try {
            Engines.configure(new RuntimeConfig("cpu", 0, 1), 1, 1);
            r = probe.get();
        } catch (RuntimeException e) {
            r = NativeReport.withoutEngine();
            engineFailure = causes(e);
        }
        out.println("java      " + r.javaVersion());
        out.println("djl       " + r.djlVersion());
        out.println("pytorch   " + (r.pytorchLoaded() == null ? "not" : r.pytorchLoaded())
                + " loaded (pytorch-jni built for " + r.pytorchExpected() + ")");
        out.println("natives   " + (r.libraryPath() == null ? "not loaded"
                : r.libraryPath() + " (flavor " + r.flavor() + ")"));
        out.println("settings  ai.djl.offline=" + r.offline() + (r.env().isEmpty() ? "" : " " + r.env()));
        out.println("machine   " + r.machineGpus() + " NVIDIA GPU(s) present");
        for (NativeReport.DeviceInfo d : r.devices()) {
            out.println("device    " + d.name() + " (memory " + (d.memoryBytes() < 0 ? "unknown"
                    : String.format(Locale.ROOT, "%.1f GiB", d.memoryBytes() / (double) (1L << 30))) + ")");
        }
        out.flush();
        List<String> problems = new ArrayList<>();
        if (engineFailure != null) {
            problems.add("the PyTorch engine did not load (" + engineFailure + "); fix: keep pytorch-native-cpu on the "
                    + "classpath (the default build), or set PYTORCH_LIBRARY_PATH to a libtorch " + r.pytorchExpected()
                    + " lib folder with PYTORCH_VERSION=" + r.pytorchExpected() + " and PYTORCH_FLAVOR (docs/gpu.md)"
                    + ("true".equals(r.offline()) ? "; with ai.djl.offline=true DJL cannot download natives" : ""));
        }
        problems.addAll(r.problems());
        DeviceSelfCheck.Result cpu = null;
        if (engineFailure == null) {
            try {
                cpu = DeviceSelfCheck.run(Engines.parseDevice("cpu"), steps, newTokens, 1);
            } catch (RuntimeException e) {
                problems.add("cpu: the self-check failed (" + causes(e) + "); fix: the CPU natives are broken: "
                        + "reinstall pytorch-native-cpu (docs/gpu.md)");
            }
        }
        for (NativeReport.DeviceInfo d : cpu == null ? List.<NativeReport.DeviceInfo>of() : r.devices()) {
            Optional<String> problem;
            DeviceSelfCheck.Result got = null;
            try {
                got = DeviceSelfCheck.run(Engines.parseDevice(d.name()), steps, newTokens, 1);
                problem = DeviceSelfCheck.compare(cpu, got);
            } catch (RuntimeException e) {
                problem = Optional.of("the self-check failed (" + causes(e) + ")");
            }
            String against = d.name().equals("cpu") ? "a second cpu run" : "the cpu run";
            if (problem.isEmpty()) {
                out.println(String.format(Locale.ROOT, "check     %s: %d training steps, loss %.4f -> %.4f, %d greedy "
                        + "tokens; same as %s: ok", d.name(), steps, got.losses()[0], got.losses()[steps - 1],
                        got.greedy().length, against));
            } else {
                out.println("check     " + d.name() + ": FAILED");
                problems.add(d.name() + ": " + problem.get() + " (against " + against + "); fix: "
                        + (d.name().equals("cpu") ? "the CPU natives are broken or not repeatable: reinstall "
                        + "pytorch-native-cpu (docs/gpu.md)"
                        : "make sure libtorch is the CUDA " + r.pytorchExpected() + " build for this driver "
                        + "(docs/gpu.md) and rerun; report this output if it persists"));
            }
            out.flush();
        }
        for (String p : problems) {
            out.println("problem: " + p);
        }
        out.println(problems.isEmpty() ? "doctor: ok" : "doctor: " + problems.size() + " problem(s)");
        out.flush();
        return problems.isEmpty() ? Main.EXIT_OK : Main.EXIT_RUNS_FAILED;
    }

    /** "Type: message" of an exception and its causes, joined by ": ", on one line. */
    private static String causes(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append(": ").append(c.getMessage());
        }
        return b.toString().replace('\n', ' ');
    }
}
