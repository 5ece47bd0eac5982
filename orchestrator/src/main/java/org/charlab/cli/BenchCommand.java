package org.charlab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code charlab bench}: performance measurements; numbers go to BENCHMARKS.md, never into tests. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure performance on this machine (see BENCHMARKS.md).",
        subcommands = {BenchModelCommand.class, BenchStatsCommand.class, BenchResultsCommand.class,
                BenchContentionCommand.class, BenchStageOverheadCommand.class, BenchTrainLoopCommand.class,
                BenchBurnCommand.class})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Main.EXIT_OK;
    }
}
