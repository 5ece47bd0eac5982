package org.charlab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.plan.Plan;
import org.charlab.plan.Planner;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What `plan` and `run` both take: the experiment file, overrides, the results root and a sweep id. */
final class SweepArgs {

    @Parameters(index = "0", paramLabel = "FILE", description = "Experiment file.")
    Path file;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides, e.g. stages.sft.learning_rate=3e-4.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--results", paramLabel = "DIR", description = "Results root (default: ${DEFAULT-VALUE}).")
    Path results = Path.of("results");

    @Option(names = "--sweep-id", description = "Name the sweep instead of hashing its plan.")
    String sweepId;

    Plan plan() {
        return new Planner(Catalogs.stages()).plan(file, overrides, sweepId);
    }
}
