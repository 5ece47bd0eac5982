package org.charlab.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import org.charlab.BadInput;

/**
 * How much memory a device has free for a stage: the CPU's available physical memory (Linux
 * {@code MemAvailable}), a GPU's free memory where someone who can ask the engine answers (the
 * CLI passes that in: plan never loads the engine), else unknown. The environment variable
 * {@value #ENV} (or the system property {@value #PROPERTY}, which tests set) replaces the answer
 * for every device, e.g. {@code 2G}, {@code 512M}.
 */
public interface DeviceMemory {

    String ENV = "CHARLAB_DEVICE_MEMORY";
    String PROPERTY = "charlab.device.memory";

    /** Free bytes on {@code device} (cpu, cuda, cuda:N) and where the number comes from. */
    record Free(long bytes, String source) {
    }

    /** The memory free on {@code device}, or null when unknown (the check is then skipped). */
    Free free(String device);

    /**
     * This machine: the override if set, else MemAvailable for cpu and {@code gpu} for a cuda device
     * ({@code gpu} may return null).
     */
    static DeviceMemory system(Function<String, Free> gpu) {
        return device -> {
            String set = System.getProperty(PROPERTY, System.getenv(ENV));
            if (set != null && !set.isBlank()) {
                return new Free(parseBytes(set), System.getProperty(PROPERTY) != null ? PROPERTY : ENV);
            }
            return device.startsWith("cuda") ? gpu.apply(device) : memAvailable(Path.of("/proc/meminfo"));
        };
    }

    /** {@code MemAvailable} from a /proc/meminfo file, or null when there is none (not Linux). */
    static Free memAvailable(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f = line.substring("MemAvailable:".length()).trim().split("\\s+");
                    return new Free(Long.parseLong(f[0]) * 1024, "MemAvailable");
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** "1234", "512K", "512M", "2G", "1.5G" (powers of 1024) to bytes. */
    static long parseBytes(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if ("KMGT".indexOf(last) >= 0) {
            unit = 1L << (10 * ("KMGT".indexOf(last) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new BadInput(ENV + " '" + s + "': a size in bytes, e.g. 2G, 512M or 1073741824");
        }
    }
}
