package org.charlab.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.charlab.BadInput;
import org.charlab.config.RuntimeConfig;

/**
 * Device and thread setup for the PyTorch engine. Call {@link #configure} once per stage JVM
 * before any array is created: inter-op threads can only be set before the engine's first parallel
 * work. Changing the intra-op thread count changes the last bits of what computes on the calling
 * thread; small models on CPU train and decode in {@link Lanes}, cut by the machine's cores instead.
 */
public final class Engines {

    private static final Pattern DEVICE = Pattern.compile("cpu|cuda(?::(\\d+))?|gpu(?::(\\d+))?");

    private Engines() {
    }

    /** "cpu", "cuda", "cuda:N" (also "gpu[:N]") to a DJL device; BadInput otherwise. */
    public static Device parseDevice(String spec) {
        String s = spec == null ? "cpu" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        Matcher m = DEVICE.matcher(s);
        if (!m.matches()) {
            throw new BadInput("device '" + spec + "' is not cpu, cuda or cuda:N");
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        String idx = m.group(1) != null ? m.group(1) : m.group(2);
        return Device.gpu(idx == null ? 0 : Integer.parseInt(idx));
    }

    /**
     * Sets thread counts (threads 0 = all cores / {@code jobs}), seeds the engine and checks that the
     * device exists. Returns the device to create arrays on.
     */
    public static Device configure(RuntimeConfig rt, int jobs, long seed) {
        int threads = rt.threads() > 0 ? rt.threads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, jobs));
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(rt.interopThreads()));
        Engine engine = Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        if (JniUtils.getNumInteropThreads() != rt.interopThreads()) {
            try {
                JniUtils.setNumInteropThreads(rt.interopThreads());
            } catch (RuntimeException e) {
                // already started: PyTorch allows setting it only once; keep the running value
            }
        }
        engine.setRandomSeed((int) seed);
        Device device = parseDevice(rt.device());
        if (device.isGpu() && device.getDeviceId() >= engine.getGpuCount()) {
            throw new BadInput("device '" + rt.device() + "' requested but the engine sees " + engine.getGpuCount()
                    + " GPU(s); see docs/gpu.md");
        }
        return device;
    }
}
