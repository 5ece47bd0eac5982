package org.charlab.exec.slurm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Stand-ins for the Slurm commands, for tests of submission without a cluster: sbatch hands out
 * job ids 101, 102, ... and logs its arguments (refusing the n-th call when a file refuse-n
 * holds its message), squeue prints the file {@code queue}, scancel logs its arguments, sinfo
 * lists the partition debug, scontrol knows no job.
 */
final class FakeSlurm {

    final Path bin;

    FakeSlurm(Path bin) throws Exception {
        this.bin = bin;
        Files.createDirectories(bin);
        write("sbatch", """
                d="$(dirname "$0")"
                n=$(( $(cat "$d/count" 2>/dev/null || echo 0) + 1 )); echo $n > "$d/count"
                echo "$@" >> "$d/sbatch.log"
                if [ -f "$d/refuse-$n" ]; then cat "$d/refuse-$n" >&2; exit 1; fi
                echo "$((100 + n))"
                """);
        write("squeue", "cat \"$(dirname \"$0\")/queue\" 2>/dev/null; exit 0\n");
        write("scancel", "echo \"$@\" >> \"$(dirname \"$0\")/scancel.log\"\n");
        write("sinfo", "echo 'debug*'\n");
        write("scontrol", "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1\n");
    }

    private void write(String name, String body) throws Exception {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    void refuse(int call, String message) throws Exception {
        Files.writeString(bin.resolve("refuse-" + call), message + "\n");
    }

    void queue(String lines) throws Exception {
        Files.writeString(bin.resolve("queue"), lines);
    }

    List<String> sbatchCalls() throws Exception {
        Path f = bin.resolve("sbatch.log");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    List<String> scancelCalls() throws Exception {
        Path f = bin.resolve("scancel.log");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }
}
