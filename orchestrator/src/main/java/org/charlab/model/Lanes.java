package org.charlab.model;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.IntFunction;

/**
 * Lane threads: a process-wide pool whose threads each run PyTorch ops with ONE intra-op thread
 * and autograd off (a task that trains turns it on for itself). A small model's ops are too small
 * to split over OpenMP threads, and under OMP_WAIT_POLICY=PASSIVE (the launcher's default) every
 * split op wakes a sleeping thread; lanes keep the cores busy with whole op sequences instead.
 * Decoding ({@code generate.DecodeLanes}) and training ({@code train.TrainLanes}) share the pool.
 */
public final class Lanes {

    private static ThreadPoolExecutor pool;

    private Lanes() {
    }

    /**
     * Tasks 0..tasks-1 on {@code lanes} lane threads, each task on whichever lane is free next;
     * results in task order. A task's result must not depend on its lane (every lane is alike). The
     * first failure reaches the caller (as itself when unchecked); the others' tasks are cancelled.
     */
    public static <T> List<T> each(int lanes, int tasks, IntFunction<List<T>> task) {
        int callerThreads = JniUtils.getNumThreads();
        ExecutorService p = pool(lanes);
        List<Future<List<T>>> futures = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            int index = i;
            futures.add(p.submit(() -> task.apply(index)));
        }
        List<T> out = new ArrayList<>();
        try {
            for (Future<List<T>> f : futures) {
                out.addAll(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for lanes", e);
        } catch (ExecutionException e) {
            for (Future<List<T>> f : futures) {
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
