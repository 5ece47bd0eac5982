package org.charlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.charlab.BadInput;
import org.charlab.plan.Plan;
import org.charlab.plan.Planner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check experiment files: load, merge, expand the whole sweep and validate every run.")
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Experiment files.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Planner planner = new Planner(Catalogs.stages());
        int rc = Main.EXIT_OK;
        for (Path f : files) {
            try {
                Plan p = planner.plan(f, List.of(), null);
                out.println("ok " + f + ": " + p.runs().size() + " runs, " + p.stages().size() + " unique stages");
            } catch (BadInput e) {
                err.println("charlab: " + e.getMessage());
                rc = Main.EXIT_BAD_INPUT;
            }
        }
        out.flush();
        err.flush();
        return rc;
    }
}
