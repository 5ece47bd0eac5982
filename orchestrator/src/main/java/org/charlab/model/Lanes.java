package org.charlab.model;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.charlab.config.RuntimeConfig;

/**
 * Lane threads: a process-wide pool whose threads each run PyTorch ops with ONE intra-op thread
 * and autograd off (a task that trains turns it on for itself). A small model's ops are too small
 * to split over OpenMP threads, and under OMP_WAIT_POLICY=PASSIVE (the launcher's default) every
 * split op wakes a sleeping thread; lanes keep the cores busy with whole op sequences instead.
 * Decoding ({@code generate.DecodeLanes}) and training ({@code train.TrainLanes}) share the pool.
 *
 * <p>Two numbers, kept apart so that results do not depend on the schedule: {@link #parts()}, how
 * many pieces a micro-batch or a lone decode batch is cut into (the machine's cores: it fixes the
 * float rounding), and {@link #threads()}, how many lane threads run those pieces at once (the cores
 * this stage may use now: fewer threads run the same pieces one after another, each with one
 * intra-op thread, so the numbers are the same bit for bit).
 */
public final class Lanes {

    private static ThreadPoolExecutor pool;

    private Lanes() {
    }

    /**
     * How many parts a small model's work is cut into: the cores of this machine (as the JVM sees
     * them; on a Slurm node, the task's allocation), whatever share of them this stage was given.
     * A stage computes the same numbers under {@code --jobs 1} and {@code --jobs 2}.
     */
    public static int parts() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * How many lane threads may run at once: the cores the executor lent this stage (system property
     * {@value RuntimeConfig#LANE_THREADS_PROPERTY}, which a stage launched alone gets as every free core),
     * else the engine's intra-op threads. Changes speed, never results.
     */
    public static int threads() {
        int lent = Integer.getInteger(RuntimeConfig.LANE_THREADS_PROPERTY, 0);
        return lent > 0 ? lent : JniUtils.getNumThreads();
    }

    /**
     * Tasks 0..tasks-1 on at most {@code lanes} lane threads at once, each task on whichever of them
     * is free next; results in task order. A task's result must not depend on its lane (every lane is
     * alike), so one lane running every task gives the same results as many. The first failure reaches
     * the caller (as itself when unchecked); no task starts after it.
     */
    public static <T> List<T> each(int lanes, int tasks, IntFunction<List<T>> task) {
        int callerThreads = JniUtils.getNumThreads();
        int workers = Math.max(1, Math.min(lanes, tasks));
        ExecutorService p = pool(workers);
        List<List<T>> results = new ArrayList<>(Collections.nCopies(tasks, null));
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            futures.add(p.submit(() -> {
                for (int i = next.getAndIncrement(); i < tasks && !failed.get(); i = next.getAndIncrement()) {
                    try {
                        results.set(i, task.apply(i));
                    } catch (RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for lanes", e);
        } catch (ExecutionException e) {
            failed.set(true);
            for (Future<?> f : futures) {
                f.cancel(true);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            // a lane thread's setup set the engine's process-wide default (read by threads not yet
            // running ops) to one: give it back the caller's count; running threads keep their own
            JniUtils.setNumThreads(callerThreads);
        }
        List<T> out = new ArrayList<>();
        results.forEach(out::addAll);
        return out;
    }

    private static synchronized ExecutorService pool(int size) {
        if (pool == null || pool.getMaximumPoolSize() < size) {
            if (pool != null) {
                pool.shutdown();
            }
            pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(size, r -> {
                Thread t = new Thread(() -> {
                    oneIntraOpThread();
                    JniUtils.setGradMode(false); // grad mode is per thread (djl-field-notes)
                    r.run();
                }, "charlab-lane");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /**
     * Sets this thread's intra-op threads to one. PyTorch applies its process-wide default to a
     * thread when that thread first asks for its count (a lazy, once-per-thread init that may run
     * after our set); asking once and setting again makes the one stick whatever the default is then.
     */
    private static void oneIntraOpThread() {
        JniUtils.setNumThreads(1);
        JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }
}
