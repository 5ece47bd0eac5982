package org.charlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code charlab} command: git-style subcommands, each a {@code Callable<Integer>} exit code. */
@Command(name = "charlab",
        mixinStandardHelpOptions = true,
        version = "charlab 0.1.0",
        description = "Plan, run and measure character-training experiments described in YAML.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line; tests call this and capture output through the writers. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
