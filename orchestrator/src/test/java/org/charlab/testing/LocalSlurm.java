package org.charlab.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A one-node Slurm cluster on this machine for integration tests (Debian's slurmctld, slurmd,
 * slurm-client and munge; {@code .ci/slurm-setup.sh} installs them): a slurm.conf in a fresh
 * directory, passed to the daemons and to every client command through SLURM_CONF, free ports, no
 * accounting. Starts munged if none answers, then slurmctld and slurmd; {@link #close()} stops, by
 * pid, exactly the daemons it started. Needs root (slurmd does): as root, or through sudo -n.
 */
public final class LocalSlurm implements AutoCloseable {

    private static final String[] DAEMONS = {"/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd"};
    private static final String[] CLIENTS = {"sbatch", "squeue", "scontrol", "scancel", "sinfo"};

    private final Path dir;
    private final Path conf;
    private final List<Long> started = new ArrayList<>();

    private LocalSlurm(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("slurm.conf");
    }

    /** Null when everything needed is here, else what is missing (the reason to skip). */
    public static String missing() {
        for (String d : DAEMONS) {
            if (!Files.isExecutable(Path.of(d))) {
                return d + " is not installed (.ci/slurm-setup.sh installs Slurm and munge)";
            }
        }
        for (String c : CLIENTS) {
            if (!Files.isExecutable(Path.of("/usr/bin", c))) {
                return "/usr/bin/" + c + " is not installed (.ci/slurm-setup.sh installs Slurm and munge)";
            }
        }
        return null;
    }

    /** True when this process can start slurmd, which runs as root: it is root, or has passwordless sudo. */
    public static boolean canBeRoot() {
        if (ROOT) {
            return true;
        }
        try {
            return new ProcessBuilder("sudo", "-n", "true").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    /** {@code cmd} as root: as it is when this process is root, else through {@code sudo -n}. */
    private static String[] asRoot(String... cmd) {
        if (ROOT) {
            return cmd;
        }
        String[] out = new String[cmd.length + 2];
        out[0] = "sudo";
        out[1] = "-n";
        System.arraycopy(cmd, 0, out, 2, cmd.length);
        return out;
    }

    public static LocalSlurm start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "charlab-slurm-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        LocalSlurm s = new LocalSlurm(dir);
        try {
            s.boot();
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The environment a client command (or a charlab process that calls them) needs. */
    public Map<String, String> env() {
        return Map.of("SLURM_CONF", conf.toString());
    }

    /** Runs a Slurm client command against this cluster; returns its stdout, failing on a non-zero exit. */
    public String cli(String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true);
        pb.environment().putAll(env());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    private void boot() throws Exception {
        for (String d : List.of("spool/ctld", "spool/d", "log", "run")) {
            Files.createDirectories(dir.resolve(d));
        }
        run(asRoot("chown", "-R", "slurm:slurm", dir.resolve("spool").toString(), dir.resolve("log").toString(),
                dir.resolve("run").toString()));
        String host = output("hostname", "-s").strip();
        int cpus = Runtime.getRuntime().availableProcessors();
        long memMb = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1024 * 1024) * 8 / 10;
        Files.writeString(conf, String.join("\n",
                "ClusterName=charlabtest",
                "SlurmctldHost=" + host,
                "SlurmctldPort=" + freePort(),
                "SlurmdPort=" + freePort(),
                "SlurmUser=slurm",
                "SlurmdUser=root",
                "AuthType=auth/munge",
                "StateSaveLocation=" + dir.resolve("spool/ctld"),
                "SlurmdSpoolDir=" + dir.resolve("spool/d"),
                "SlurmctldPidFile=" + dir.resolve("run/slurmctld.pid"),
                "SlurmdPidFile=" + dir.resolve("run/slurmd.pid"),
                "SlurmctldLogFile=" + dir.resolve("log/slurmctld.log"),
                "SlurmdLogFile=" + dir.resolve("log/slurmd.log"),
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core",
                "SchedulerType=sched/backfill",
                "AccountingStorageType=accounting_storage/none",
                "JobAcctGatherType=jobacct_gather/none",
                "JobCompType=jobcomp/none",
                "ReturnToService=2",
                "MinJobAge=300",
                "NodeName=" + host + " CPUs=" + cpus + " RealMemory=" + memMb + " State=UNKNOWN",
                "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
                ""));
        if (!mungeAnswers()) {
            Path rundir = Path.of("/run/munge");
            run(asRoot("mkdir", "-p", rundir.toString()));
            run(asRoot("chown", "munge:munge", rundir.toString()));
            // a munged that died uncleanly leaves its pid file: never read (and later signal) a stale pid
            run(asRoot("rm", "-f", rundir.resolve("munged.pid").toString()));
            run(asRoot("runuser", "-u", "munge", "--", "/usr/sbin/munged"));
            waitFor(LocalSlurm::mungeAnswers, "munged to answer");
            long pid = pidFrom(rundir.resolve("munged.pid"));
            if (!ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("").endsWith("munged")) {
                throw new IllegalStateException("pid " + pid + " in /run/munge/munged.pid is not munged");
            }
            started.add(pid);
        }
        run(asRoot("/usr/sbin/slurmctld", "-f", conf.toString()));
        started.add(pidFrom(dir.resolve("run/slurmctld.pid")));
        run(asRoot("/usr/sbin/slurmd", "-f", conf.toString()));
        started.add(pidFrom(dir.resolve("run/slurmd.pid")));
        waitFor(() -> {
            try {
                return cli("sinfo", "-h", "-o", "%t").strip().equals("idle");
            } catch (Exception e) {
                return false;
            }
        }, "the node to be idle");
    }

    private static boolean mungeAnswers() {
        try {
            Process p = new ProcessBuilder("bash", "-c", "munge -n | unmunge").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private long pidFrom(Path file) throws Exception {
        // daemons create the file and then write their pid into it: wait for the number
        waitFor(() -> {
            try {
                return Files.readString(file).strip().matches("\\d+");
            } catch (IOException e) {
                return false;
            }
        }, file + " to hold a pid");
        return Long.parseLong(Files.readString(file).strip());
    }

    private void waitFor(java.util.function.BooleanSupplier ok, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + "; logs in " + dir.resolve("log"));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String output(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private void signal(String sig, long pid) {
        try {
            run(asRoot("kill", "-" + sig, Long.toString(pid)));
        } catch (Exception e) {
            // it ended meanwhile
        }
    }

    private void run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SLURM_CONF", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /**
     * Cancels whatever is still queued on this cluster (it is this object's alone), then stops the
     * daemons this object started, newest first, by pid: TERM, then KILL after 15 s.
     */
    @Override
    public void close() throws Exception {
        if (started.size() >= 2) {
            try {
                String jobs = cli("squeue", "-h", "-o", "%A").strip();
                if (!jobs.isEmpty()) {
                    List<String> cmd = new ArrayList<>(List.of("scancel"));
                    cmd.addAll(List.of(jobs.split("\\s+")));
                    cli(cmd.toArray(String[]::new));
                    waitFor(() -> {
                        try {
                            return cli("squeue", "-h").isBlank();
                        } catch (Exception e) {
                            return true;
                        }
                    }, "the queue to empty");
                }
            } catch (Exception e) {
                // stopping the daemons matters more
            }
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            long pid = started.get(i);
            ProcessHandle h = ProcessHandle.of(pid).orElse(null);
            if (h == null) {
                continue;
            }
            signal("TERM", pid);
            try {
                h.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                signal("KILL", pid);
            }
        }
        started.clear();
        run(asRoot("rm", "-rf", dir.toString()));
    }
}
