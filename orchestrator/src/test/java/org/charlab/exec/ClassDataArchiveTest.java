package org.charlab.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AppCDS archive of stage JVMs, built by a training run of a small jar (the test-only PrintEnv
 * main; picocli's own jar targets Java 5, whose classes CDS skips): built once, then only reused,
 * and a JVM started with the options maps the jar's class from it.
 */
class ClassDataArchiveTest {

    @TempDir
    Path dir;

    /** A jar holding org.charlab.testing.PrintEnv, from the test classes. */
    private Path appJar() throws Exception {
        String entry = "org/charlab/testing/PrintEnv.class";
        Path cls = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .map(p -> p.resolve(entry)).filter(Files::isRegularFile).findFirst().orElseThrow();
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(cls));
            out.closeEntry();
        }
        return jar;
    }

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void builtOnceThenReusedAndMappedByTheNextJvm() throws Exception {
        Path jar = appJar();
        Path archive = ClassDataArchive.forClasspath(jar.toString());
        assertEquals(dir.resolve(ClassDataArchive.FILE), archive, "next to the jar");
        List<String> training = List.of("-cp", jar.toString(), "org.charlab.testing.PrintEnv", "HOME");
        List<String> logs = new ArrayList<>();
        List<String> first = ClassDataArchive.options(archive, JAVA, training, logs::add);
        assertEquals(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"), first);
        assertTrue(Files.size(archive) > 0);
        assertEquals(List.of("class-data archive built: " + archive), logs);
        long mtime = Files.getLastModifiedTime(archive).toMillis();

        assertEquals(first, ClassDataArchive.options(archive, JAVA, training, logs::add));
        assertEquals(1, logs.size(), "not built again: " + logs);
        assertEquals(mtime, Files.getLastModifiedTime(archive).toMillis());

        // a JVM with the options loads the jar's class from the archive (-Xshare:on would refuse a bad archive)
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-XX:SharedArchiveFile=" + archive, "-Xshare:on",
                "-Xlog:class+load=info", "-cp", jar.toString(), "org.charlab.testing.PrintEnv", "HOME"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("org.charlab.testing.PrintEnv source: shared objects file (top)")),
                "PrintEnv comes from the dynamic archive: " + out.lines().filter(l -> l.contains("PrintEnv")).toList());
    }

    @Test
    void aFailedBuildIsLoggedOnceAndGivesNoOptions() {
        Path archive = dir.resolve("broken").resolve(ClassDataArchive.FILE);
        List<String> logs = new ArrayList<>();
        List<String> training = List.of("-cp", dir.toString(), "no.such.Main");
        assertEquals(List.of(), ClassDataArchive.options(archive, JAVA, training, logs::add));
        assertEquals(List.of(), ClassDataArchive.options(archive, JAVA, training, logs::add));
        assertEquals(1, logs.size(), logs.toString());
        assertTrue(logs.get(0).startsWith("class-data archive not built ("), logs.get(0));
    }

    @Test
    void onlyASingleJarClasspathHasAnArchive() throws Exception {
        Path jar = Files.writeString(dir.resolve("x.jar"), "");
        assertEquals(dir.resolve(ClassDataArchive.FILE), ClassDataArchive.forClasspath(jar.toString()));
        assertNull(ClassDataArchive.forClasspath(dir.toString()), "a directory cannot be archived");
        assertNull(ClassDataArchive.forClasspath(jar + File.pathSeparator + dir));
        assertNull(ClassDataArchive.forClasspath(dir.resolve("missing.jar").toString()));
    }
}
