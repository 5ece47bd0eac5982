package org.charlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code charlab} command: git-style subcommands, each a {@code Callable<Integer>} exit code. */
@Command(name = "charlab",
        mixinStandardHelpOptions = true,
        version = "charlab 0.1.0",
        description = "Plan, run and measure character-training experiments described in YAML.",
        subcommands = {
                ValidateCommand.class, PlanCommand.class, RunCommand.class, StatusCommand.class,
                ListCommand.class, ExplainCommand.class, CompareCommand.class, ReportCommand.class, ViewCommand.class, StatsCommand.class, BenchCommand.class, DoctorCommand.class, GenerateCommand.class,
                ExecStageCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_RUNS_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line; tests call this and capture output through the writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Main::onException);
        return cl;
    }

    /** Bad input: one line and exit 2. Anything else is a bug and keeps its stack trace. */
    private static int onException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof org.charlab.BadInput) {
            cl.getErr().println("charlab: " + e.getMessage());
            cl.getErr().flush();
            return EXIT_BAD_INPUT;
        }
        throw e;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
