package org.charlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.charlab.config.ConfigLoader;
import org.charlab.stage.StageKind;
import org.charlab.world.Charworld;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List experiments, config fragments and stage types with their one-line descriptions.")
final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR", description = "Directory holding experiments/ and configs/ "
            + "(default: the current directory, else $CHARLAB_HOME).")
    Path home;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path root = home != null ? home : Files.isDirectory(Path.of("experiments")) || System.getenv("CHARLAB_HOME") == null
                ? Path.of("") : Path.of(System.getenv("CHARLAB_HOME"));
        section(out, "Experiments", root.resolve("experiments"), false);
        section(out, "Config fragments (extends: NAME)", root.resolve("configs"), true);
        out.println("Stage types (type: NAME)");
        for (StageKind<?> k : Catalogs.stages().all()) {
            out.printf("  %-28s %s%n", k.type(), k.summary());
        }
        Charworld.Catalog world = Charworld.catalog();
        entries(out, "charworld task families", world.families());
        entries(out, "charworld traits (detected in CoT and output separately)", world.traits());
        entries(out, "charworld persona prompts", world.personaPrompts());
        out.flush();
        return Main.EXIT_OK;
    }

    private static void entries(PrintWriter out, String title, List<Charworld.Entry> entries) {
        out.println(title);
        for (Charworld.Entry e : entries) {
            out.printf("  %-28s %s%n", e.name(), e.description());
            for (String ex : e.examples().subList(0, Math.min(2, e.examples().size()))) {
                out.printf("  %-28s   \"%s\"%n", "", ex);
            }
        }
    }

    private static void section(PrintWriter out, String title, Path dir, boolean fragmentNames) throws IOException {
        out.println(title);
        if (!Files.isDirectory(dir)) {
            out.println("  (none: no " + dir + ")");
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            String name = fragmentNames ? dir.relativize(f).toString().replaceAll("\\.yaml$", "") : dir.getParent() == null
                    ? f.toString() : dir.getParent().relativize(f).toString();
            out.printf("  %-28s %s%n", name, ConfigLoader.describe(f));
        }
    }
}
