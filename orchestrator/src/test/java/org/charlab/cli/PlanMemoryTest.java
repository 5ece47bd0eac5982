package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charlab.plan.DeviceMemory;
import org.charlab.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `charlab plan` and `run` show each stage's memory estimate and refuse a stage that cannot fit. */
class PlanMemoryTest {

    static final Path QUICKSTART = Path.of("../experiments/quickstart.yaml");

    @Test
    void planShowsParametersAndMemoryColumns(@TempDir Path results) {
        CliRun r = withMemory("64G", () -> CliRun.of("plan", QUICKSTART.toString(), "--results", results.toString()));
        assertEquals(0, r.exitCode(), r.err());
        String header = r.out().lines().filter(l -> l.startsWith("stage ")).findFirst().orElseThrow();
        for (String col : new String[] {"params", "trainable", "weights", "grads", "adamw", "frozen", "activ.",
                "generation", "runtime", "peak"}) {
            assertTrue(header.contains(col), header);
        }
        // the tiny default model: 869.5k parameters with its 1,024-id BPE, all trained by pretrain and sft
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("sft ") && l.contains("869.5k    869.5k")), r.out());
    }

    @Test
    void stagesWithTheSameEstimateShareOneRow(@TempDir Path results) {
        // quickstart's 2 arms x 3 seeds: one pretrain, 6 sft and 6 eval stages, all sft and all eval estimates equal
        CliRun r = withMemory("64G", () -> CliRun.of("plan", QUICKSTART.toString(), "sweep.seeds=[0, 1, 2]",
                "--results", results.toString()));
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = r.out().lines().dropWhile(l -> !l.startsWith("stage ")).skip(1).toList();
        assertEquals(3, rows.size(), r.out());
        assertTrue(rows.get(0).startsWith("pretrain ") && rows.get(0).contains("pretrain-"), rows.get(0));
        assertTrue(rows.get(1).startsWith("sft ") && rows.get(1).contains("6 stages"), rows.get(1));
        assertTrue(rows.get(2).startsWith("eval ") && rows.get(2).contains("6 stages"), rows.get(2));
    }

    @Test
    void planAndRunRefuseAStageThatDoesNotFit(@TempDir Path results) throws Exception {
        for (String cmd : new String[] {"plan", "run"}) {
            CliRun r = withMemory("64M", () -> CliRun.of(cmd, QUICKSTART.toString(), "--results", results.toString()));
            assertEquals(2, r.exitCode(), cmd + ": " + r.out() + r.err());
            assertEquals(1, r.errLines().size(), r.err());
            String line = r.errLines().get(0);
            assertTrue(line.contains("stage 'pretrain'") && line.contains("needs about") && line.contains("64.0 MiB is free")
                    && line.contains(DeviceMemory.PROPERTY), line);
            try (var files = Files.list(results)) {
                assertFalse(files.findAny().isPresent(), cmd + " wrote under results/");
            }
        }
    }

    static CliRun withMemory(String size, java.util.function.Supplier<CliRun> run) {
        System.setProperty(DeviceMemory.PROPERTY, size);
        try {
            return run.get();
        } finally {
            System.clearProperty(DeviceMemory.PROPERTY);
        }
    }
}
