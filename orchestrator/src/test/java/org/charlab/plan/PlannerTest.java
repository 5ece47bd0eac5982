package org.charlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.charlab.stage.StageCatalog;
import org.charlab.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {

    static final Path TWO_ARMS = org.charlab.testing.Experiments.TWO_ARMS;

    @TempDir
    Path dir;

    private final Planner planner = new Planner(StageCatalog.load());

    private Plan plan(Path file, String... overrides) {
        return planner.plan(file, List.of(overrides), null);
    }

    @Test
    void twoArmsTimesThreeSeedsIsSixRunsSharingTheBase() {
        Plan p = plan(TWO_ARMS);
        assertEquals(6, p.runs().size());
        assertEquals(List.of("plain-s0", "plain-s1", "plain-s2", "boosted-s0", "boosted-s1", "boosted-s2"),
                p.runs().stream().map(RunPlan::id).toList());
        Set<String> baseKeys = p.runs().stream().map(r -> r.keyOf("base")).collect(Collectors.toSet());
        assertEquals(1, baseKeys.size(), "the base fixes its seed, so all runs share it");
        assertEquals(1 + 6 + 6, p.stages().size());
        RunPlan boosted = p.run("boosted-s1");
        assertEquals(20.0, ((Map<?, ?>) ((Map<?, ?>) boosted.config().get("stages")).get("train")).get("value"));
        assertEquals(Map.of("stages.train.value", 20.0), boosted.overrides());
        assertEquals(Map.of("input", boosted.keyOf("train"), "reference", boosted.keyOf("base")),
                p.stages().get(boosted.keyOf("eval")).deps());
    }

    @Test
    void stageOrderPutsDependenciesFirst() {
        Plan p = plan(TWO_ARMS);
        List<String> order = p.stageOrder();
        for (String key : order) {
            for (String dep : p.stages().get(key).deps().values()) {
                assertTrue(order.indexOf(dep) < order.indexOf(key));
            }
        }
    }

    @Test
    void keysChangeWhenAnythingThatMattersChanges() throws Exception {
        Path data = dir.resolve("d.jsonl");
        Files.writeString(data, "one\n");
        Path exp = dir.resolve("e.yaml");
        Files.writeString(exp, "name: e\nstages:\n  a: {type: count, data: d.jsonl}\n  b: {type: count}\n");
        Plan base = plan(exp);
        String a = base.runs().get(0).keyOf("a");
        String b = base.runs().get(0).keyOf("b");
        assertEquals(a, plan(exp).runs().get(0).keyOf("a"), "same inputs, same key");
        assertNotEquals(a, plan(exp, "stages.a.value=2").runs().get(0).keyOf("a"), "config");
        assertNotEquals(a, plan(exp, "sweep.seeds=[1]").runs().get(0).keyOf("a"), "seed");
        assertNotEquals(a, plan(exp, "runtime.device=cuda").runs().get(0).keyOf("a"), "device");
        assertEquals(a, plan(exp, "runtime.threads=7").runs().get(0).keyOf("a"), "threads only change last bits");
        Plan changedA = plan(exp, "stages.a.value=2");
        assertNotEquals(b, changedA.runs().get(0).keyOf("b"), "a dependency's key flows into its dependants");
        Files.writeString(data, "two\n");
        assertNotEquals(a, plan(exp).runs().get(0).keyOf("a"), "data file content");
        Path moved = dir.resolve("sub");
        Files.createDirectories(moved);
        Files.writeString(moved.resolve("d.jsonl"), "two\n");
        Files.writeString(moved.resolve("e.yaml"), Files.readString(exp));
        assertEquals(plan(exp).runs().get(0).keyOf("a"), plan(moved.resolve("e.yaml")).runs().get(0).keyOf("a"),
                "moving a data file does not change the key; its content does");
    }

    @Test
    void gridAndZipMultiplyRuns() throws Exception {
        Path exp = dir.resolve("e.yaml");
        Files.writeString(exp, "name: e\nstages:\n  a: {type: count}\nsweep:\n  seeds: [0, 1]\n"
                + "  grid: {stages.a.value: [1, 2, 3]}\n  zip: {stages.a.rate: [0.1, 0.2], stages.a.work_ms: [0, 5]}\n");
        Plan p = plan(exp);
        assertEquals(3 * 2 * 2, p.runs().size());
        assertTrue(p.runs().stream().anyMatch(r -> r.id().equals("main-value2-rate0.2-work_ms5-s1")),
                p.runs().stream().map(RunPlan::id).toList().toString());
        RunPlan r = p.run("main-value2-rate0.2-work_ms5-s1");
        assertEquals(5L, r.axes().get("stages.a.work_ms"));
    }

    @Test
    void keysAreStableAcrossJvms() throws Exception {
        Path out = dir.resolve("plan.txt");
        int rc = ChildJvm.run(Path.of("").toAbsolutePath(), out, "plan", TWO_ARMS.toAbsolutePath().toString(),
                "--results", dir.resolve("r").toString());
        assertEquals(0, rc, Files.readString(out));
        String text = Files.readString(out);
        for (String key : plan(TWO_ARMS).stages().keySet()) {
            assertTrue(text.contains(key), "child JVM planned the same key " + key);
        }
    }
}
