package org.charlab.model;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;

/**
 * Free memory of a CUDA device, asked of the CUDA runtime through DJL's CudaUtils (no engine is
 * loaded). What {@code charlab plan} and {@code run} compare a stage's memory estimate with.
 */
public final class GpuMemory {

    private GpuMemory() {
    }

    /** Free bytes on {@code device} ("cuda", "cuda:N"), or -1 when there is no CUDA or no such GPU. */
    public static long free(String device) {
        try {
            Device d = Engines.parseDevice(device);
            if (!d.isGpu() || !CudaUtils.hasCuda() || d.getDeviceId() >= CudaUtils.getGpuCount()) {
                return -1;
            }
            MemoryUsage m = CudaUtils.getGpuMemory(d);
            return m.getMax() - m.getCommitted();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }
}
