package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same seed gives bit-identical training and sampling in two separate JVMs. */
class DeterminismTest {

    static String runChild(long seed) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", "-Xss4m", DeterminismProbe.class.getName(), Long.toString(seed)));
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        assertEquals(0, p.exitValue(), out);
        int a = out.indexOf("RESULT-BEGIN");
        int b = out.indexOf("RESULT-END");
        assertTrue(a >= 0 && b > a, out);
        return out.substring(a, b);
    }

    @Test
    void seededRunsAreBitIdenticalAcrossJvms() throws Exception {
        String first = runChild(7);
        String second = runChild(7);
        assertEquals(first, second);
        assertTrue(first.contains("params ") && first.contains("tokens ["), first);
        assertNotEquals(first, runChild(8), "a different seed must change the run");
    }
}
