package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.charlab.BuildInfo;
import org.charlab.model.NativeReport;
import org.charlab.testing.CliRun;
import org.charlab.train.DeviceSelfCheck;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DoctorCommandTest {

    @Test
    void printsVersionsNativesAndTheCpuAndPassesItsSelfCheck() {
        CliRun r = CliRun.of("doctor", "--steps", "2", "--new-tokens", "8");
        // On a machine with an NVIDIA GPU, a CPU-profile build rightly reports the GPU it cannot see
        // (exit 1); everything else below holds on any machine.
        boolean gpuMachine = java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidia0"));
        if (!gpuMachine) {
            assertEquals(0, r.exitCode(), r.out() + r.err());
        }
        assertTrue(r.out().contains("djl       " + BuildInfo.djlVersion()), r.out());
        assertTrue(r.out().contains("pytorch   " + BuildInfo.pytorchVersion() + " loaded"), r.out());
        assertTrue(r.out().matches("(?s).*natives   \\S+ \\(flavor (cpu|cu\\d+|cuda)\\).*"), r.out());
        assertTrue(r.out().contains("device    cpu (memory "), r.out());
        assertTrue(r.out().matches("(?s).*check     cpu: 2 training steps, loss \\d+\\.\\d+ -> \\d+\\.\\d+, 8 greedy "
                + "tokens; same as a second cpu run: ok.*"), r.out());
        if (!gpuMachine) {
            assertFalse(r.out().contains("problem:"), r.out());
            assertTrue(r.out().endsWith("doctor: ok\n"), r.out());
        }
    }

    @Test
    void cpuSelfCheckIsFiniteAndRepeatableAndCompareCatchesADifference() {
        DeviceSelfCheck.Result a = DeviceSelfCheck.run(Device.cpu(), 2, 8, 1);
        DeviceSelfCheck.Result b = DeviceSelfCheck.run(Device.cpu(), 2, 8, 1);
        assertTrue(Arrays.stream(a.losses()).allMatch(Double::isFinite));
        assertEquals(8, a.greedy().length);
        assertTrue(a.losses()[1] < a.losses()[0], "the step must train: " + Arrays.toString(a.losses()));
        assertEquals(a.losses()[1], b.losses()[1]);
        assertTrue(DeviceSelfCheck.compare(a, b).isEmpty());
        double[] off = a.losses().clone();
        off[1] += 2 * DeviceSelfCheck.LOSS_TOLERANCE;
        assertTrue(DeviceSelfCheck.compare(a, new DeviceSelfCheck.Result(off, a.greedy())).orElseThrow()
                .startsWith("loss at step 2"));
        int[] tokens = a.greedy().clone();
        tokens[5] ^= 1;
        assertEquals("greedy tokens differ from the reference's at position 5",
                DeviceSelfCheck.compare(a, new DeviceSelfCheck.Result(a.losses(), tokens)).orElseThrow());
        off[1] = Double.NaN;
        assertEquals("loss at step 2 is NaN",
                DeviceSelfCheck.compare(a, new DeviceSelfCheck.Result(off, a.greedy())).orElseThrow());
    }

    @Test
    void cpuNativesShadowingAGpuGiveOneProblemLineWithItsFixAndExit1() {
        NativeReport shadowed = report("cpu", "/home/u/.djl.ai/pytorch/2.7.1-cpu-linux-x86_64", 1, "true", Map.of());
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new DoctorCommand(() -> shadowed));
        cl.setOut(new PrintWriter(sw));
        int code = cl.execute("--steps", "1", "--new-tokens", "4");
        String out = sw.toString();
        assertEquals(1, code, out);
        List<String> problems = out.lines().filter(l -> l.startsWith("problem: ")).toList();
        assertEquals(1, problems.size(), out);
        assertTrue(problems.get(0).contains("1 NVIDIA GPU(s) but the engine sees none"), out);
        assertTrue(problems.get(0).contains("fix: build with `mvn -B -Dgpu package` and set PYTORCH_LIBRARY_PATH"), out);
        assertTrue(out.contains("check     cpu:"), out);
        assertTrue(out.endsWith("doctor: 1 problem(s)\n"), out);
    }

    @Test
    void anEngineThatDoesNotLoadIsOneProblemLineWithItsFixAndNoStackTrace() {
        StringWriter sw = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new DoctorCommand(() -> {
            throw new ai.djl.engine.EngineException("Failed to save pytorch index file",
                    new java.io.IOException("Offline mode is enabled."));
        }));
        cl.setOut(new PrintWriter(sw));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute();
        String out = sw.toString();
        assertEquals(1, code, out + err);
        assertTrue(out.contains("natives   not loaded"), out);
        assertFalse(out.contains("check "), out);
        List<String> problems = out.lines().filter(l -> l.startsWith("problem: ")).toList();
        assertEquals(1, problems.size(), out);
        assertTrue(problems.get(0).startsWith("problem: the PyTorch engine did not load (EngineException: Failed to "
                + "save pytorch index file: Offline mode is enabled.); fix: keep pytorch-native-cpu"), out);
        assertEquals("", err.toString());
    }

    @Test
    void versionMismatchFlavorAndOfflineEachGiveAProblemWithAFix() {
        assertEquals(List.of(), report("cpu", "/x/2.7.1-cpu", 0, "true", Map.of()).problems());
        NativeReport r = report("cpu", "/x/2.5.1-cpu", 0, null,
                Map.of("PYTORCH_VERSION", "2.5.1", "PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib", "PYTORCH_FLAVOR", "cu128"));
        NativeReport mismatched = new NativeReport(r.javaVersion(), r.djlVersion(), r.pytorchExpected(), "2.5.1",
                r.libraryPath(), r.flavor(), r.devices(), 0, null, r.env());
        List<String> p = mismatched.problems();
        String expected = BuildInfo.pytorchVersion();
        assertEquals(5, p.size(), String.join("\n", p));
        assertTrue(p.get(0).startsWith("libtorch 2.5.1 was loaded from /x/2.5.1-cpu but pytorch-jni is built for "
                + expected + "; fix:"), p.get(0));
        assertTrue(p.get(1).startsWith("PYTORCH_VERSION=2.5.1 but"), p.get(1));
        assertTrue(p.get(2).startsWith("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib is set but the natives came from /x/2.5.1-cpu"),
                p.get(2));
        assertTrue(p.get(3).startsWith("PYTORCH_FLAVOR=cu128 but the loaded natives are cpu"), p.get(3));
        assertTrue(p.get(4).startsWith("ai.djl.offline is not set") && p.get(4).contains("-Dai.djl.offline=true"), p.get(4));
        assertTrue(p.stream().allMatch(l -> l.contains("fix: ")), String.join("\n", p));
    }

    private static NativeReport report(String flavor, String path, int machineGpus, String offline, Map<String, String> env) {
        return new NativeReport("17", BuildInfo.djlVersion(), BuildInfo.pytorchVersion(), BuildInfo.pytorchVersion(),
                path, flavor, List.of(new NativeReport.DeviceInfo("cpu", 1L << 33)), machineGpus, offline, env);
    }
}
