package org.charlab.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Content-addressed stage outputs, shared by every run and sweep under one results root.
 * <pre>
 * &lt;key&gt;/            a finished stage: its outputs plus stage.json (written last, then the rename)
 * &lt;key&gt;.partial/    a stage being computed, or left by an interrupted attempt
 * &lt;key&gt;.failed.json why the last attempt failed (removed when a new attempt starts)
 * &lt;key&gt;.lock        held while a process computes the stage
 * </pre>
 * A stage is finished exactly when {@code <key>/stage.json} exists; the directory appears by an
 * atomic rename, so a crash leaves either nothing or a whole stage.
 */
public final class StageCache {

    private static final Map<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final Path root;

    public StageCache(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path output(String key) {
        return root.resolve(key);
    }

    public Path partial(String key) {
        return root.resolve(key + ".partial");
    }

    public Path failure(String key) {
        return root.resolve(key + ".failed.json");
    }

    public boolean isDone(String key) {
        return Files.isRegularFile(output(key).resolve("stage.json"));
    }

    /** Moves a finished partial directory into place; {@code stageJson} is written into it last. */
    public void commit(String key, byte[] stageJson) {
        Path partial = partial(key);
        AtomicFiles.write(partial.resolve("stage.json"), stageJson);
        try {
            AtomicFiles.move(partial, output(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit stage " + key, e);
        }
    }

    /**
     * Takes the stage's lock, waiting while another process or thread holds it: two runs that
     * share a stage compute it once, the second finds it done.
     */
    public Lock lock(String key) {
        try {
            Files.createDirectories(root);
            Path file = root.resolve(key + ".lock");
            ReentrantLock local = IN_JVM.computeIfAbsent(file, f -> new ReentrantLock());
            local.lock();
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                return new Lock(ch, ch.lock(), local);
            } catch (IOException | RuntimeException e) {
                // not locked after all: a thread of this JVM waiting for the stage must not wait forever
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                local.unlock();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock stage " + key, e);
        }
    }

    /** True when some process holds the stage's lock right now (it is being computed). */
    public boolean isLocked(String key) {
        Path file = root.resolve(key + ".lock");
        if (!Files.exists(file)) {
            return false;
        }
        ReentrantLock local = IN_JVM.get(file);
        if (local != null && local.isLocked()) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            return true;
        }
    }

    /** A held stage lock. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;
        private final ReentrantLock local;

        Lock(FileChannel channel, FileLock lock, ReentrantLock local) {
            this.channel = channel;
            this.lock = lock;
            this.local = local;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // released by the OS when the channel or process goes away
            } finally {
                local.unlock();
            }
        }
    }
}
