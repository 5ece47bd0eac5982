package org.charlab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.Callable;
import org.charlab.config.RuntimeConfig;
import org.charlab.exec.ContentionBench;
import org.charlab.model.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Hidden competitor of {@code bench contention}: keeps {@code --threads} cores busy until killed (or until
 * its parent dies), with a pure-Java arithmetic loop or with libtorch matmuls; prints {@code @ready} once running.
 */
@Command(name = "burn", hidden = true, description = "Competitor of bench contention: a CPU-bound loop.")
public final class BenchBurnCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--threads", defaultValue = "2")
    int threads;

    @Option(names = "--kind", defaultValue = "java")
    String kind;

    @Option(names = "--parent-pid", defaultValue = "-1")
    long parentPid;

    static volatile double sink;

    @Override
    public Integer call() throws Exception {
        if (parentPid > 0) {
            ProcessHandle.of(parentPid).ifPresentOrElse(h -> h.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
                    () -> Runtime.getRuntime().halt(0));
        }
        if (kind.equals("matmul")) {
            Engines.configure(new RuntimeConfig("cpu", threads, 1), 1, 1);
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray a = m.randomNormal(new Shape(256, 256));
                ready();
                while (true) {
                    try (NDArray c = a.matMul(a)) {
                        sink += c.getFloat(0, 0);
                    }
                }
            }
        }
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                double x = 1;
                while (true) {
                    for (int k = 0; k < 1_000_000; k++) {
                        x = x * 1.0000001 + 1e-9;
                    }
                    sink = x;
                }
            }, "burn-" + i);
            t.start();
        }
        ready();
        Thread.currentThread().join();
        return Main.EXIT_OK;
    }

    private void ready() {
        spec.commandLine().getOut().println(ContentionBench.READY);
        spec.commandLine().getOut().flush();
    }
}
