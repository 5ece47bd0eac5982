package org.charlab.exec.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.config.SlurmConfig;
import org.junit.jupiter.api.Test;

/** Waves, the Ctrl-C decision, failure reasons and scontrol parsing, without Slurm. */
class SlurmPiecesTest {

    @Test
    void wavesPutEveryStageAfterTheStagesItNeeds() {
        Map<String, List<String>> deps = Map.of("base", List.of(), "a", List.of("base"), "b", List.of("base"),
                "evalA", List.of("a", "base"), "evalB", List.of("b"), "solo", List.of());
        List<List<String>> waves = Waves.of(List.of("base", "a", "b", "evalA", "evalB", "solo"), deps::get);
        assertEquals(List.of(List.of("base", "solo"), List.of("a", "b"), List.of("evalA", "evalB")), waves);
        // inputs already done or queued elsewhere are not in the list: their dependants start in wave 0
        assertEquals(List.of(List.of("evalA", "evalB")), Waves.of(List.of("evalA", "evalB"), deps::get));
    }

    @Test
    void ctrlCCancelsOnlyOnAnExplicitYes() {
        assertTrue(CancelPrompt.yes("y"));
        assertTrue(CancelPrompt.yes(" YES \n"));
        for (String no : new String[] {"", "n", "no", "maybe", null}) {
            assertFalse(CancelPrompt.yes(no), String.valueOf(no));
        }
        StringWriter out = new StringWriter();
        assertTrue(CancelPrompt.ask(new BufferedReader(new StringReader("y\n")), new PrintWriter(out), 3));
        assertTrue(out.toString().contains("Cancel 3 submitted Slurm jobs (scancel)? [y/N]"), out.toString());
        assertFalse(CancelPrompt.ask(new BufferedReader(new StringReader("\n")), new PrintWriter(new StringWriter()), 3));
        assertFalse(CancelPrompt.ask(null, new PrintWriter(new StringWriter()), 3), "no terminal: keep the jobs");
        assertFalse(CancelPrompt.ask(new BufferedReader(new StringReader("")), new PrintWriter(new StringWriter()), 3),
                "end of input: keep the jobs");
    }

    @Test
    void failureReasonsNameWhatSlurmSaw() {
        SlurmConfig cfg = SlurmConfig.defaults().with(null, null, "01:00:00", null, "4G", null, null);
        Path err = Path.of("/nonexistent/7_1.err");
        assertTrue(FailureReason.of("7_1", new Slurm.Ended("OUT_OF_MEMORY", "OutOfMemory", "0:125", "n1"), null, cfg, err)
                .startsWith("OUT_OF_MEMORY: job 7_1 ran out of memory (--mem 4G)"));
        assertTrue(FailureReason.of("7_1", new Slurm.Ended("TIMEOUT", "TimeLimit", "0:15", "n1"), null, cfg, err)
                .startsWith("TIMEOUT: job 7_1 hit its time limit (--time 01:00:00)"));
        assertTrue(FailureReason.of("7_1", new Slurm.Ended("NODE_FAIL", "NodeDown", "0:0", "n3"), null, cfg, err)
                .startsWith("NODE_FAIL: the node n3 running job 7_1 failed"));
        assertTrue(FailureReason.of("7_1", new Slurm.Ended("CANCELLED", "None", "0:15", "n1"), null, cfg, err)
                .startsWith("CANCELLED: job 7_1 was cancelled;"));
        assertEquals("IllegalStateException: asked to fail (job 7_1, exit code 1)",
                FailureReason.of("7_1", new Slurm.Ended("FAILED", "NonZeroExitCode", "1:0", "n1"),
                        "IllegalStateException: asked to fail", cfg, err));
        assertTrue(FailureReason.of("7_1", new Slurm.Ended("FAILED", "NonZeroExitCode", "0:9", "n1"), null, cfg, err)
                .startsWith("FAILED: job 7_1 killed by signal 9"));
        assertTrue(FailureReason.of("7_1", null, null, cfg, err).startsWith("job 7_1 left the queue without finishing"));
        assertTrue(FailureReason.dependencyFailed(new Slurm.Ended("CANCELLED", "DependencyNeverSatisfied", "0:0", "")));
    }

    @Test
    void scontrolOneLineParsesToFields() {
        Map<String, String> f = Slurm.fields("JobId=9 ArrayJobId=8 ArrayTaskId=1 JobState=FAILED Reason=NonZeroExitCode "
                + "Dependency=(null) ExitCode=3:0 ReqNodeList=(null) NodeList=vm");
        assertEquals("FAILED", f.get("JobState"));
        assertEquals("3:0", f.get("ExitCode"));
        assertEquals("vm", f.get("NodeList"));
    }
}
