package org.charlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.charlab.BadInput;
import org.charlab.view.ViewServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "view", mixinStandardHelpOptions = true,
        description = "Browse a results directory in a web browser (read-only, served locally): experiments and "
                + "their sweeps with live status and training curves, any runs compared with compare's estimator, "
                + "transcripts filtered by arm, condition, family and detector hit, each run's resolved config and "
                + "provenance. Runs until interrupted (Ctrl-C).")
final class ViewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RESULTS_DIR",
            description = "Results directory (default: ${DEFAULT-VALUE}).")
    Path results = Path.of("results");

    @Option(names = "--port", paramLabel = "N", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port = 8765;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}: only "
            + "this machine can connect; the viewer has no login, so bind another address only on a trusted network).")
    String host = "127.0.0.1";

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new BadInput("--port " + port + ": allowed are 0 to 65535");
        }
        ViewServer server;
        try {
            server = ViewServer.start(results, host, port);
        } catch (java.net.BindException e) {
            throw new BadInput("--port " + port + ": cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another with --port");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("charlab view: " + server.url() + " serving " + results.toAbsolutePath().normalize()
                + " read-only (Ctrl-C to stop)");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
        return Main.EXIT_OK;
    }
}
