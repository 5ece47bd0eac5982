package org.charlab.results;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.charlab.BuildInfo;

/**
 * What produced a sweep: code (git commit, dirty flag, charlab/DJL/PyTorch versions), machine
 * (Java, OS, CPU, cores, memory, host) and execution (command, jobs, threads, start and end).
 */
public final class Provenance {

    private Provenance() {
    }

    public static Map<String, Object> collect(List<String> command, int jobs, int threadsPerStage) {
        Map<String, Object> p = new LinkedHashMap<>();
        Path home = codeHome();
        Map<String, Object> code = new LinkedHashMap<>();
        code.put("charlab_version", BuildInfo.version());
        code.put("git_commit", home == null ? "unknown" : git(home, "rev-parse", "HEAD"));
        String status = home == null ? null : git(home, "status", "--porcelain", "--untracked-files=no");
        code.put("git_dirty", status == null ? "unknown" : !status.isBlank());
        code.put("djl_version", BuildInfo.djlVersion());
        code.put("pytorch_version", BuildInfo.pytorchVersion());
        p.put("code", code);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("host", SweepLock.host());
        machine.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            machine.put("memory_bytes", os.getTotalMemorySize());
        }
        p.put("machine", machine);
        Map<String, Object> exec = new LinkedHashMap<>();
        exec.put("command", command);
        exec.put("jobs", jobs);
        exec.put("threads_per_stage", threadsPerStage);
        exec.put("started", Instant.now().toString());
        p.put("execution", exec);
        return p;
    }

    /** The checkout charlab runs from: the nearest directory with .git above its classes or jar. */
    static Path codeHome() {
        try {
            Path p = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path d = p; d != null; d = d.getParent()) {
                if (Files.exists(d.resolve(".git"))) {
                    return d;
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    static String git(Path dir, String... args) {
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
            cmd.addAll(List.of(args));
            Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!pr.waitFor(10, TimeUnit.SECONDS) || pr.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
