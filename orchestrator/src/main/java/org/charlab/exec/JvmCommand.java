package org.charlab.exec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts {@code charlab} again in a new JVM with this JVM's java and classpath. */
public final class JvmCommand {

    private JvmCommand() {
    }

    /** java, the JVM options, -cp, the classpath, the main class, then {@code args}. */
    public static List<String> charlab(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.awt.headless=true");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.charlab.cli.Main");
        cmd.addAll(args);
        return cmd;
    }

    public static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
