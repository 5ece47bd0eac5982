package org.charlab.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import java.io.File;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.charlab.BuildInfo;

/**
 * What {@code charlab doctor} knows about the PyTorch natives before running anything on them: the
 * versions, where libtorch was loaded from and its flavor (cpu / cuXXX), the devices the engine sees,
 * the NVIDIA GPUs the machine has, and the settings that decide which natives DJL picks
 * (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR, ai.djl.offline; see docs/gpu.md).
 * {@link #problems()} is a pure function of these fields, so tests can inject a broken environment.
 *
 * @param devices     the devices the engine sees, cpu first
 * @param machineGpus NVIDIA GPUs present on the machine (/dev/nvidiaN), whatever the engine sees
 * @param offline     the ai.djl.offline system property, null when unset
 * @param env         the PYTORCH_* environment variables that are set
 */
public record NativeReport(String javaVersion, String djlVersion, String pytorchExpected, String pytorchLoaded,
        String libraryPath, String flavor, List<DeviceInfo> devices, int machineGpus, String offline,
        Map<String, String> env) {

    private static final Pattern CUDA_FLAVOR = Pattern.compile("(cu\\d+)");

    /** A device the engine sees; {@code memoryBytes} total memory, -1 where unknown. */
    public record DeviceInfo(String name, long memoryBytes) {
    }

    /** Probes the running JVM: loads the engine (and its natives) if not loaded yet. */
    public static NativeReport probe() {
        Engine engine = Engine.getEngine("PyTorch");
        String path = LibUtils.getLibtorchPath();
        List<DeviceInfo> devices = new ArrayList<>();
        long ram = -1;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            ram = os.getTotalMemorySize();
        }
        devices.add(new DeviceInfo("cpu", ram));
        for (int i = 0; i < engine.getGpuCount(); i++) {
            long mem = -1;
            try {
                MemoryUsage u = CudaUtils.getGpuMemory(Device.gpu(i));
                mem = u.getMax();
            } catch (RuntimeException | LinkageError e) {
                // memory unknown: CUDA runtime not reachable through JNA
            }
            devices.add(new DeviceInfo("cuda:" + i, mem));
        }
        return new NativeReport(java(), BuildInfo.djlVersion(), BuildInfo.pytorchVersion(), LibUtils.getVersion(), path,
                flavorOf(path), devices, machineGpus(Path.of("/dev")), System.getProperty("ai.djl.offline"), pytorchEnv());
    }

    /** What is known when the engine failed to load: no natives, no devices, the settings that chose them. */
    public static NativeReport withoutEngine() {
        return new NativeReport(java(), BuildInfo.djlVersion(), BuildInfo.pytorchVersion(), null, null, "not loaded",
                List.of(), machineGpus(Path.of("/dev")), System.getProperty("ai.djl.offline"), pytorchEnv());
    }

    private static String java() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
    }

    private static Map<String, String> pytorchEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR")) {
            if (System.getenv(k) != null) {
                env.put(k, System.getenv(k));
            }
        }
        return env;
    }

    /** cuXXX named in the library folder, "cuda" for an unnamed CUDA build (libtorch_cuda.so present), else cpu. */
    static String flavorOf(String libraryPath) {
        if (libraryPath == null) {
            return "unknown";
        }
        Matcher m = CUDA_FLAVOR.matcher(new File(libraryPath).getName() + " " + libraryPath);
        if (m.find()) {
            return m.group(1);
        }
        return new File(libraryPath, "libtorch_cuda.so").exists() ? "cuda" : "cpu";
    }

    /** NVIDIA GPUs the kernel driver exposes (/dev/nvidia0, /dev/nvidia1, ...). */
    static int machineGpus(Path dev) {
        try (var s = Files.list(dev)) {
            return (int) s.filter(p -> p.getFileName().toString().matches("nvidia\\d+")).count();
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** GPUs the engine sees. */
    public int engineGpus() {
        return (int) devices.stream().filter(d -> !d.name().equals("cpu")).count();
    }

    /** One line per problem, each with its fix; empty when the natives are set up as docs/gpu.md says. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (libraryPath != null && machineGpus > 0 && engineGpus() == 0) {
            p.add("this machine has " + machineGpus + " NVIDIA GPU(s) but the engine sees none: the " + flavor
                    + " natives at " + libraryPath + " were loaded (CPU natives shadow CUDA ones); fix: build with "
                    + "`mvn -B -Dgpu package` and set PYTORCH_LIBRARY_PATH to a CUDA libtorch " + pytorchExpected
                    + " lib folder with PYTORCH_VERSION=" + pytorchExpected + " PYTORCH_FLAVOR=cu128 (docs/gpu.md)");
        }
        if (pytorchLoaded != null && !pytorchLoaded.equals(pytorchExpected)) {
            p.add("libtorch " + pytorchLoaded + " was loaded from " + libraryPath + " but pytorch-jni is built for "
                    + pytorchExpected + "; fix: point PYTORCH_LIBRARY_PATH at a libtorch " + pytorchExpected
                    + " build and set PYTORCH_VERSION=" + pytorchExpected);
        }
        String envVersion = env.get("PYTORCH_VERSION");
        if (envVersion != null && !envVersion.equals(pytorchExpected)) {
            p.add("PYTORCH_VERSION=" + envVersion + " but pytorch-jni is built for " + pytorchExpected
                    + "; fix: export PYTORCH_VERSION=" + pytorchExpected + " with a libtorch of that version");
        }
        String envPath = env.get("PYTORCH_LIBRARY_PATH");
        if (envPath != null && (libraryPath == null || !Path.of(libraryPath).normalize()
                .startsWith(Path.of(envPath).normalize()))) {
            p.add("PYTORCH_LIBRARY_PATH=" + envPath + " is set but the natives came from " + libraryPath
                    + "; fix: make sure that folder holds libtorch*.so and set PYTORCH_VERSION and PYTORCH_FLAVOR too");
        }
        String envFlavor = env.get("PYTORCH_FLAVOR");
        if (envFlavor != null && libraryPath != null && !envFlavor.toLowerCase(Locale.ROOT).equals(flavor)) {
            p.add("PYTORCH_FLAVOR=" + envFlavor + " but the loaded natives are " + flavor
                    + "; fix: set PYTORCH_FLAVOR to the flavor of the libtorch in PYTORCH_LIBRARY_PATH");
        }
        if (!"true".equals(offline)) {
            p.add("ai.djl.offline is " + (offline == null ? "not set" : "'" + offline + "'")
                    + ": DJL may download natives at run time; fix: run through ./charlab or pass -Dai.djl.offline=true");
        }
        return p;
    }
}
