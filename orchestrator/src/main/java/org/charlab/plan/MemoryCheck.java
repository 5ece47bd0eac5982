package org.charlab.plan;

import java.util.Locale;
import java.util.function.Predicate;
import org.charlab.BadInput;
import org.charlab.stage.MemoryEstimate;

/**
 * Refuses a sweep with a stage to run whose estimated peak memory ({@link MemoryEstimate#peak}) exceeds
 * what its device has free: one line naming the stage, its estimate by component and the memory
 * free, before anything is written. Stages already computed (cached) are not checked, nor stages
 * whose kind gives no estimate or whose device's memory is unknown.
 */
public final class MemoryCheck {

    private MemoryCheck() {
    }

    /** Throws {@link BadInput} for the first stage to run that does not fit. */
    public static void check(Plan plan, DeviceMemory memory, Predicate<String> cached) {
        for (String key : plan.stageOrder()) {
            StagePlan s = plan.stages().get(key);
            MemoryEstimate m = s.memory();
            if (m == null || cached.test(key)) {
                continue;
            }
            String device = String.valueOf(s.runtime().getOrDefault("device", "cpu"));
            DeviceMemory.Free free = memory.free(device);
            if (free != null && m.peak() > free.bytes()) {
                throw new BadInput("stage '" + s.name() + "' (" + key + ") needs about " + bytes(m.peak()) + " on "
                        + device + " (" + breakdown(m) + ") but " + bytes(free.bytes()) + " is free (" + free.source()
                        + "); lower batch_size or max_length, or use a smaller model or a larger device");
            }
        }
    }

    /** The components, e.g. "weights 3.4 MiB, gradients 3.4 MiB, ...". */
    public static String breakdown(MemoryEstimate m) {
        return "weights " + bytes(m.weights()) + ", gradients " + bytes(m.gradients()) + ", adamw " + bytes(m.optimizer())
                + ", frozen " + bytes(m.frozen()) + ", activations " + bytes(m.activations()) + ", generation "
                + bytes(m.generation()) + ", runtime " + bytes(m.runtime());
    }

    /** Bytes in KiB/MiB/GiB with one decimal. */
    public static String bytes(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A count as 1.2k, 3.4M, 5.6B. */
    public static String count(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        String[] units = {"k", "M", "B", "T"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }
}
