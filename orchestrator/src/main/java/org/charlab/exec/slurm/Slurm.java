package org.charlab.exec.slurm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.charlab.BadInput;

/**
 * The Slurm commands charlab uses (sbatch, squeue, scontrol, scancel, sacct, sinfo), run through
 * ProcessBuilder. {@code bin} overrides where they are looked up (tests put fakes there); null
 * means the PATH.
 */
public class Slurm {

    /** A task in the queue: {@code id} is {@code <array job id>_<task index>}. */
    public record Queued(String id, String state, String reason) {
        public boolean running() {
            return state.equals("RUNNING") || state.equals("COMPLETING") || state.equals("CONFIGURING");
        }
    }

    /** What Slurm says about a task that left the queue. */
    public record Ended(String state, String reason, String exitCode, String node) {
    }

    /** A command's exit code and output. */
    public record Result(int rc, String out, String err) {
        boolean ok() {
            return rc == 0;
        }
    }

    private final Path bin;

    public Slurm(Path bin) {
        this.bin = bin;
    }

    /** The executable for {@code name}, or null when it is nowhere to be found. */
    public Path find(String name) {
        if (bin != null) {
            Path p = bin.resolve(name);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv("PATH");
        for (String d : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name);
            }
        }
        return null;
    }

    /** Submits a job script and returns its job id; a refusal is bad input (sbatch's own words). */
    public String sbatch(Path script, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("--parsable"));
        cmd.addAll(args);
        cmd.add(script.toString());
        Result r = run("sbatch", cmd);
        if (!r.ok()) {
            String why = (r.err() + " " + r.out()).strip().replaceAll("\\s*\n\\s*", "; ");
            throw new BadInput("sbatch refused " + script.getFileName() + ": " + (why.isEmpty() ? "exit " + r.rc() : why));
        }
        String id = r.out().strip();
        int semi = id.indexOf(';');
        id = semi < 0 ? id : id.substring(0, semi);
        if (!id.matches("\\d+")) {
            throw new IllegalStateException("sbatch printed no job id: " + r.out());
        }
        return id;
    }

    /** The queued (pending or running) tasks among {@code ids}, one per array task. */
    public Map<String, Queued> squeue(Collection<String> ids) {
        Map<String, Queued> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        Result r = run("squeue", List.of("-h", "-r", "-j", String.join(",", ids), "-o", "%i %T %r"));
        if (!r.ok()) {
            if (r.err().contains("Invalid job id")) {
                return out;
            }
            throw new IllegalStateException("squeue failed: " + r.err().strip());
        }
        for (String line : r.out().split("\n")) {
            String[] p = line.strip().split("\\s+", 3);
            if (p.length >= 2) {
                out.put(p[0], new Queued(p[0], p[1], p.length > 2 ? p[2] : ""));
            }
        }
        return out;
    }

    /** How a task ended, from scontrol while Slurm still remembers it, else sacct when accounting exists. */
    public Optional<Ended> ended(String taskId) {
        Result r = run("scontrol", List.of("show", "job", "-o", taskId));
        if (r.ok()) {
            Map<String, String> f = fields(r.out());
            if (f.containsKey("JobState")) {
                return Optional.of(new Ended(f.get("JobState"), f.getOrDefault("Reason", "None"),
                        f.getOrDefault("ExitCode", "?"), f.getOrDefault("NodeList", "")));
            }
        }
        if (find("sacct") != null) {
            Result a = run("sacct", List.of("-n", "-P", "-X", "-j", taskId, "-o", "State,ExitCode,NodeList"));
            if (a.ok()) {
                for (String line : a.out().split("\n")) {
                    String[] p = line.split("\\|");
                    if (p.length >= 2 && !p[0].isBlank()) {
                        return Optional.of(new Ended(p[0].split(" ")[0], "None", p[1], p.length > 2 ? p[2] : ""));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Cancels jobs or array tasks; best effort (some may have ended meanwhile). */
    public void scancel(Collection<String> ids) {
        if (!ids.isEmpty()) {
            run("scancel", new ArrayList<>(ids));
        }
    }

    /** The cluster's partitions, or empty when sinfo cannot say. */
    public List<String> partitions() {
        if (find("sinfo") == null) {
            return List.of();
        }
        Result r = run("sinfo", List.of("-h", "-o", "%P"));
        if (!r.ok()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            String p = line.strip().replace("*", "");
            if (!p.isEmpty() && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** "KEY=VALUE KEY=VALUE ..." of {@code scontrol -o}, values without spaces. */
    static Map<String, String> fields(String oneLine) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String tok : oneLine.strip().split("\\s+")) {
            int eq = tok.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(tok.substring(0, eq), tok.substring(eq + 1));
            }
        }
        return out;
    }

    Result run(String command, List<String> args) {
        Path exe = find(command);
        if (exe == null) {
            throw new BadInput("'" + command + "' is not on the PATH: --executor slurm needs the Slurm client "
                    + "commands (run charlab on a login node of the cluster)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not answer within 120 s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + exe, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command + " interrupted", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        }, "slurm-output");
        t.setDaemon(true);
        t.start();
        return f;
    }
}
