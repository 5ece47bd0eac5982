package org.charlab.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.charlab.BadInput;

/**
 * One writer per sweep: an OS file lock on sweep.lock, whose content names the holder (pid, host,
 * start time) so a second {@code charlab run} can say who has it. The OS drops the lock when the
 * holder dies, even by SIGKILL, so a stale lock file never blocks a resume.
 */
public final class SweepLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private SweepLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static SweepLock acquire(Path lockFile, String command) {
        try {
            Files.createDirectories(lockFile.getParent());
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                String holder = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).strip();
                ch.close();
                throw new BadInput(lockFile.getParent() + ": another charlab process is running this sweep ("
                        + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for it or stop it");
            }
            String me = "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + Instant.now()
                    + ": " + command;
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new SweepLock(ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS releases it with the process
        }
    }
}
