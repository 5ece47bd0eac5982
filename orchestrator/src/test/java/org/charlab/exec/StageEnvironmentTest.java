package org.charlab.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The environment of a stage JVM: PASSIVE OpenMP waiting and glibc malloc thresholds unless the user chose,
 * and they reach the child's environment (their effect on speed is a benchmark: docs/performance.md).
 */
class StageEnvironmentTest {

    @Test
    void passiveWaitingAndThreadCountUnlessTheUserSetAPolicy() {
        Map<String, String> env = StageEnvironment.forStage(3, Map.of());
        assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"));
        assertEquals("3", env.get("OMP_NUM_THREADS"));
        assertEquals("ACTIVE", StageEnvironment.forStage(3, Map.of("OMP_WAIT_POLICY", "ACTIVE")).get("OMP_WAIT_POLICY"),
                "a policy the user exported is kept");
        assertEquals("268435456", env.get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals("268435456", env.get("MALLOC_TRIM_THRESHOLD_"));
        Map<String, String> own = StageEnvironment.forStage(3, Map.of("MALLOC_TRIM_THRESHOLD_", "1048576"));
        assertEquals("1048576", own.get("MALLOC_TRIM_THRESHOLD_"), "a threshold the user exported is kept");
        assertEquals("268435456", own.get("MALLOC_MMAP_THRESHOLD_"));
    }

    @Test
    void theSettingsReachTheStageJvm() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.charlab.testing.PrintEnv", "OMP_WAIT_POLICY", "OMP_NUM_THREADS",
                "MALLOC_MMAP_THRESHOLD_");
        ProcessBuilder pb = ChildJvmLauncher.processBuilder(cmd, 3);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        String policy = System.getenv().getOrDefault("OMP_WAIT_POLICY", "PASSIVE");
        assertTrue(out.contains("OMP_WAIT_POLICY=" + policy + "\n"), out);
        assertTrue(out.contains("OMP_NUM_THREADS=3\n"), out);
        String threshold = System.getenv().getOrDefault("MALLOC_MMAP_THRESHOLD_", "268435456");
        assertTrue(out.contains("MALLOC_MMAP_THRESHOLD_=" + threshold + "\n"), out);
    }

    @Test
    void theContentionBenchCanLeaveThePolicyUnsetForTheBaseline() {
        Map<String, String> env = new HashMap<>(Map.of("OMP_WAIT_POLICY", "PASSIVE"));
        ContentionBench.withPolicy(env, ContentionBench.UNSET, 2);
        assertTrue(!env.containsKey("OMP_WAIT_POLICY"), env.toString());
        ContentionBench.withPolicy(env, "PASSIVE", 2);
        assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"));
        assertEquals("2", env.get("OMP_NUM_THREADS"));
    }

    @Test
    void aSpinPolicyLeavesTheWaitPolicyUnsetWithItsSpinCountAndNoOtherPolicyCarriesOne() {
        Map<String, String> env = new HashMap<>(Map.of("OMP_WAIT_POLICY", "PASSIVE", "GOMP_SPINCOUNT", "7"));
        ContentionBench.withPolicy(env, "spin:10000", 2);
        assertTrue(!env.containsKey("OMP_WAIT_POLICY"), env.toString());
        assertEquals("10000", env.get("GOMP_SPINCOUNT"));
        // the competitor (UNSET) and PASSIVE loops never inherit an exported spin count
        ContentionBench.withPolicy(env, ContentionBench.UNSET, 2);
        assertTrue(!env.containsKey("GOMP_SPINCOUNT"), env.toString());
        env.put("GOMP_SPINCOUNT", "7");
        ContentionBench.withPolicy(env, "PASSIVE", 2);
        assertTrue(!env.containsKey("GOMP_SPINCOUNT"), env.toString());
        org.junit.jupiter.api.Assertions.assertThrows(org.charlab.BadInput.class,
                () -> ContentionBench.withPolicy(new HashMap<>(), "spin:lots", 2));
    }
}
