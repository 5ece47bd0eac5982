package org.charlab.cli;

import org.charlab.model.GpuMemory;
import org.charlab.plan.DeviceMemory;

/** This machine's {@link DeviceMemory}: MemAvailable for cpu, the CUDA runtime's free memory for a GPU. */
final class Devices {

    private Devices() {
    }

    static DeviceMemory memory() {
        return DeviceMemory.system(device -> {
            long free = GpuMemory.free(device);
            return free < 0 ? null : new DeviceMemory.Free(free, "CUDA free memory");
        });
    }
}
