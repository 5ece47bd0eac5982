package org.charlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.charlab.exec.StageEnvironment;
import org.charlab.model.ModelConfig;

/**
 * The Hugging Face peer of {@code charlab bench model}: runs the bundled {@code peer_bench.py}
 * (transformers on PyTorch, same config.json, fp32, same threads) with a Python that can import
 * torch and transformers, and reads the JSON it prints. Without such a Python the peer is skipped
 * and {@link Outcome#skipped} says why, for the bench to print.
 */
final class PeerBench {

    static final String SCRIPT = "/org/charlab/bench/peer_bench.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Either the peer's JSON report, or the reason it was skipped. */
    record Outcome(JsonNode report, String skipped) {
        static Outcome skip(String reason) {
            return new Outcome(null, reason);
        }

        boolean ran() {
            return report != null;
        }
    }

    private final String python;
    private final String versions;
    private final String skipReason;

    private PeerBench(String python, String versions, String skipReason) {
        this.python = python;
        this.versions = versions;
        this.skipReason = skipReason;
    }

    /**
     * The peer with {@code python} ("none" skips; null or empty: $CHARLAB_PEER_PYTHON, else python3 on
     * the PATH), after checking that it imports torch and transformers.
     */
    static PeerBench find(String python) {
        String p = python == null || python.isBlank() ? System.getenv().getOrDefault("CHARLAB_PEER_PYTHON", "python3")
                : python;
        if (p.equals("none")) {
            return new PeerBench(p, null, "peer skipped: --peer-python none");
        }
        try {
            Result r = exec(List.of(p, "-c", "import torch, transformers; print('transformers', transformers.__version__, "
                    + "'torch', torch.__version__)"), 120, env -> { });
            if (r.rc != 0) {
                String last = lastLine(r.out);
                return new PeerBench(p, null, "peer skipped: " + p + " cannot import torch and transformers ("
                        + (last.isEmpty() ? "exit " + r.rc : last) + "); pass --peer-python PATH to a Python that has both");
            }
            return new PeerBench(p, lastLine(r.out), null);
        } catch (IOException e) {
            return new PeerBench(p, null, "peer skipped: cannot run " + p + " (" + e.getMessage()
                    + "); pass --peer-python PATH to a Python with torch and transformers");
        }
    }

    /** Why the peer will not run, or null. */
    String skipReason() {
        return skipReason;
    }

    String versions() {
        return versions;
    }

    /** Runs the peer script on {@code cfg}; a failure becomes a skip reason with the script's last line. */
    Outcome run(ModelConfig cfg, int threads, int trainBatch, int seq, int steps, int newTokens, List<Integer> batches,
            Path workDir) {
        if (skipReason != null) {
            return Outcome.skip(skipReason);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory(workDir, "peer-");
            Path config = dir.resolve("config.json");
            cfg.write(config);
            Path script = dir.resolve("peer_bench.py");
            try (InputStream in = PeerBench.class.getResourceAsStream(SCRIPT)) {
                Files.copy(in, script);
            }
            List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--config", config.toString(),
                    "--threads", Integer.toString(threads), "--train-batch", Integer.toString(trainBatch),
                    "--seq", Integer.toString(seq), "--steps", Integer.toString(steps),
                    "--new-tokens", Integer.toString(newTokens), "--batches",
                    String.join(",", batches.stream().map(String::valueOf).toList())));
            Result r = exec(cmd, 3600, env -> peerEnvironment(env, threads));
            String last = lastLine(r.out);
            if (r.rc != 0 || !last.startsWith("{")) {
                return Outcome.skip("peer failed (exit " + r.rc + "): " + last);
            }
            return new Outcome(JSON.readTree(last), null);
        } catch (IOException e) {
            return Outcome.skip("peer failed: " + e.getMessage());
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private record Result(int rc, String out) {
    }

    /**
     * The peer's environment, edited from charlab's: {@code threads} OpenMP threads, OpenMP's default
     * wait policy and glibc's default malloc, as a Python user runs PyTorch (the launcher's
     * OMP_WAIT_POLICY=PASSIVE and malloc thresholds are charlab's settings for its stage JVMs,
     * docs/performance.md; PASSIVE halves a solo PyTorch's training speed).
     */
    static void peerEnvironment(Map<String, String> env, int threads) {
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.remove(StageEnvironment.WAIT_POLICY);
        StageEnvironment.MALLOC_THRESHOLDS.forEach(env::remove);
    }

    private static Result exec(List<String> cmd, int timeoutS, Consumer<Map<String, String>> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        env.accept(pb.environment());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out after " + timeoutS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
}
