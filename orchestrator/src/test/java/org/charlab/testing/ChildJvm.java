package org.charlab.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts charlab in a separate JVM with this test's classpath (test-only stages included). */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static ProcessBuilder charlab(Path workDir, Path output, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.charlab.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return pb;
    }

    public static int run(Path workDir, Path output, String... args) throws IOException, InterruptedException {
        return charlab(workDir, output, args).start().waitFor();
    }
}
