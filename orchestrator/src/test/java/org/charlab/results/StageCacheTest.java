package org.charlab.results;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageCacheTest {

    @Test
    void aLockFileThatCannotBeOpenedLeavesNoLockHeld(@TempDir Path tmp) throws Exception {
        StageCache cache = new StageCache(tmp);
        Path lockFile = tmp.resolve("k1.lock");
        Files.createDirectories(lockFile); // a directory where the lock file should be: opening it for writing fails
        assertThrows(UncheckedIOException.class, () -> cache.lock("k1"));
        Files.delete(lockFile);
        // another thread (the in-process lock is reentrant, so this thread would pass anyway) must get the lock
        ExecutorService other = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "second-acquirer");
            t.setDaemon(true); // on failure it stays blocked in lock(): it must not keep the JVM alive
            return t;
        });
        try {
            Future<Boolean> got = other.submit(() -> {
                try (StageCache.Lock l = cache.lock("k1")) {
                    return true;
                }
            });
            assertTrue(got.get(10, TimeUnit.SECONDS), "the failed attempt released the in-process lock");
            assertTrue(!cache.isLocked("k1"));
        } finally {
            other.shutdownNow();
        }
    }
}
