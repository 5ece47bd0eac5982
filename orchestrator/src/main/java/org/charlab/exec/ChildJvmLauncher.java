package org.charlab.exec;

import org.charlab.stage.Progress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.charlab.config.RuntimeConfig;
import org.charlab.plan.Plan;
import org.charlab.results.AtomicFiles;
import org.charlab.results.SweepDir;

/**
 * Runs each stage in its own JVM ({@code charlab exec-stage}): PyTorch's thread pool is per
 * process, so pinning threads per stage needs a process per stage; a native crash takes down one
 * stage, not the sweep; and it is exactly what a Slurm array task runs. The child exits by itself
 * when this process dies (even by SIGKILL), leaving its stage partial.
 */
public final class ChildJvmLauncher implements StageLauncher {

    /** Prefix of a progress line on the child's stdout: {@code @progress DONE TOTAL NOTE}. */
    public static final String PROGRESS = "@progress ";
    public static final String LOG = "@log ";

    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    @Override
    public boolean launch(Plan plan, SweepDir dir, String key, int threads, int laneThreads, Progress progress,
            Path log) throws InterruptedException {
        List<String> cmd = command(dir, key, threads, laneThreads, plan.stages().get(key).runtime().get("interop_threads"));
        try {
            Files.createDirectories(log.getParent());
            cmd.addAll(1, ClassDataArchive.forThisJvm(progress::log));
            AtomicFiles.appendLine(log, "# " + java.time.Instant.now() + " " + String.join(" ", cmd));
            Process p = processBuilder(cmd, threads)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            live.add(p);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(PROGRESS)) {
                        String[] parts = line.substring(PROGRESS.length()).split(" ", 3);
                        progress.report(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts.length > 2 ? parts[2] : "");
                    } else {
                        if (line.startsWith(LOG)) {
                            progress.log(line.substring(LOG.length()));
                        }
                        AtomicFiles.appendLine(log, line);
                    }
                }
            }
            int rc = p.waitFor();
            live.remove(p);
            return rc == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for stage " + key, e);
        }
    }

    /** The child's process: its command and {@link StageEnvironment#forStage} over the inherited environment. */
    static ProcessBuilder processBuilder(List<String> cmd, int threads) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(StageEnvironment.forStage(threads, pb.environment()));
        return pb;
    }

    static List<String> command(SweepDir dir, String key, int threads, int laneThreads, Object interop) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dai.djl.pytorch.num_threads=" + threads);
        cmd.add("-Dai.djl.pytorch.num_interop_threads=" + (interop == null ? 1 : interop));
        if (laneThreads > threads) {
            cmd.add("-D" + RuntimeConfig.LANE_THREADS_PROPERTY + "=" + laneThreads);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.charlab.cli.Main");
        cmd.add("exec-stage");
        cmd.add(dir.dir().toString());
        cmd.add(key);
        cmd.add("--threads=" + threads);
        cmd.add("--parent-pid=" + ProcessHandle.current().pid());
        return cmd;
    }

    @Override
    public void stopAll() {
        for (Process p : live) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
