package org.charlab.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An AppCDS archive (JDK class-data sharing) for stage JVMs: the classes a stage loads (picocli,
 * Jackson, DJL, charlab) are parsed and verified once into {@code charlab.jsa} next to the jar
 * ({@code target/snapshots/<jar sha>/}, so a rebuilt jar gets its own) by one short training run
 * started with {@code -XX:ArchiveClassesAtExit}; every later stage JVM maps it with
 * {@code -XX:SharedArchiveFile}. Where it cannot be built (a classpath with directories, as under
 * Maven; a JVM without CDS) stages start without it and the reason is logged once.
 */
public final class ClassDataArchive {

    public static final String FILE = "charlab.jsa";
    /** What the archive's training run executes: a one-step tiny training loop (engine init, model, optimizer). */
    public static final List<String> TRAINING = List.of("bench", "train-loop", "--steps=1", "--batch=1", "--seq=8",
            "--threads=1");

    private static final Map<Path, List<String>> DONE = new ConcurrentHashMap<>();

    private ClassDataArchive() {
    }

    /** The archive for a classpath that is one jar (the launcher's snapshot), else null (CDS archives jars only). */
    public static Path forClasspath(String classpath) {
        if (classpath == null || classpath.contains(java.io.File.pathSeparator) || !classpath.endsWith(".jar")) {
            return null;
        }
        Path jar = Path.of(classpath).toAbsolutePath();
        return Files.isRegularFile(jar) ? jar.resolveSibling(FILE) : null;
    }

    /** JVM options that use this JVM's archive (building it first if needed); empty where there is none. */
    public static List<String> forThisJvm(Consumer<String> log) {
        String cp = System.getProperty("java.class.path");
        Path archive = forClasspath(cp);
        if (archive == null) {
            return List.of();
        }
        List<String> training = new ArrayList<>(List.of("-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", cp,
                "org.charlab.cli.Main"));
        training.addAll(TRAINING);
        return options(archive, JvmCommand.java(), training, log);
    }

    /**
     * {@code -XX:SharedArchiveFile=archive}, after building the archive by running {@code java
     * -XX:ArchiveClassesAtExit=... trainingArgs} if it does not exist yet; built at most once per
     * archive and process (a failure is logged once and gives no options).
     */
    public static List<String> options(Path archive, String java, List<String> trainingArgs, Consumer<String> log) {
        return DONE.computeIfAbsent(archive.toAbsolutePath(), a -> {
            if (!Files.isRegularFile(a)) {
                String why = build(a, java, trainingArgs);
                if (why != null) {
                    log.accept("class-data archive not built (" + why + "); stage JVMs start without it");
                    return List.of();
                }
                log.accept("class-data archive built: " + a);
            }
            return List.of("-XX:SharedArchiveFile=" + a, "-Xshare:auto");
        });
    }

    /** Builds the archive through a temporary file moved into place (concurrent builders: the last move wins). */
    private static String build(Path archive, String java, List<String> trainingArgs) {
        Path tmp = archive.resolveSibling(FILE + "." + ProcessHandle.current().pid() + ".tmp");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:ArchiveClassesAtExit=" + tmp));
        cmd.addAll(trainingArgs);
        try {
            Path out = Files.createTempFile("charlab-cds-", ".log");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
                pb.environment().putAll(StageEnvironment.forStage(1, pb.environment()));
                Process p = pb.start();
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "the training run took over 300 s";
                }
                if (p.exitValue() != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                    List<String> lines = Files.readAllLines(out);
                    return "training run exit " + p.exitValue() + (lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1));
                }
                Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return null;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
