package org.charlab.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.SweepDir;
import org.charlab.testing.CliRun;
import org.charlab.testing.Experiments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --recompute}: the named stages and their dependents run again, for this sweep only. */
class RecomputeTest {

    @TempDir
    Path dir;

    private CliRun run(String... extra) {
        List<String> args = new ArrayList<>(List.of("run", Experiments.TWO_ARMS.toString(), "--results",
                dir.toString(), "--in-process", "--sweep-id", "mine"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private List<String> starts() throws Exception {
        Path log = dir.resolve(".cache/stages/executions.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private Plan plan(String sweepId) {
        return Plan.read(SweepDir.of(dir, "two-arms", sweepId).plan());
    }

    private static Set<String> keys(Plan p, String stage) {
        return p.runs().stream().map(r -> r.keyOf(stage)).collect(Collectors.toSet());
    }

    @Test
    void theNamedStageAndItsDependentsRunAgainIntoNewEntriesOthersDoNot() throws Exception {
        assertEquals(0, run().exitCode());
        CliRun other = CliRun.of("run", Experiments.TWO_ARMS.toString(), "--results", dir.toString(), "--in-process",
                "--sweep-id", "theirs");
        assertEquals(0, other.exitCode(), other.out() + other.err());
        assertEquals(13, starts().size(), "the second sweep reused all 13 stages");
        Plan before = plan("mine");

        CliRun again = run("--recompute", "train");
        assertEquals(0, again.exitCode(), again.out() + again.err());
        List<String> started = starts().subList(13, starts().size());
        Plan after = plan("mine");
        assertEquals(12, started.size(), "6 train and 6 eval stages, the base not: " + started);
        assertTrue(started.stream().allMatch(s -> s.contains("count-")));
        assertEquals(keys(before, "base"), keys(after, "base"));
        for (String stage : List.of("train", "eval")) {
            Set<String> fresh = keys(after, stage);
            assertTrue(fresh.stream().noneMatch(keys(before, stage)::contains), stage + " has new keys");
            assertTrue(fresh.stream().allMatch(k -> started.contains("start " + k)), stage + " ran again");
        }
        assertEquals(Set.of("train"), after.recompute().keySet(), "plan.json records the nonce");
        assertTrue(after.stages().get(after.runs().get(0).keyOf("train")).recompute() != null);

        // the other sweep's links still point at the old entries, which are still there and unchanged
        Path theirs = SweepDir.of(dir, "two-arms", "theirs").dir();
        assertEquals(keys(before, "eval"), keys(plan("theirs"), "eval"));
        for (RunPlan r : plan("theirs").runs()) {
            Path link = theirs.resolve("runs").resolve(r.id()).resolve("stages/eval");
            assertTrue(Files.readSymbolicLink(link).toString().endsWith(r.keyOf("eval")));
            assertTrue(Files.exists(link.resolve("value.txt")));
        }
        Path mineEval = SweepDir.of(dir, "two-arms", "mine").run("plain-s0").resolve("stages/eval");
        assertTrue(Files.readSymbolicLink(mineEval).toString().endsWith(after.run("plain-s0").keyOf("eval")));

        // the same command without --recompute resumes: nothing runs, the recomputed keys stay
        CliRun resume = run();
        assertEquals(0, resume.exitCode(), resume.out() + resume.err());
        assertEquals(13 + 12, starts().size());
        assertEquals(after.stages().keySet(), plan("mine").stages().keySet());

        // overwrite starts the sweep's records again, forgetting the nonce: the original entries are reused
        CliRun overwrite = run("--if-exists", "overwrite");
        assertEquals(0, overwrite.exitCode(), overwrite.out() + overwrite.err());
        assertEquals(13 + 12, starts().size());
        assertEquals(before.stages().keySet(), plan("mine").stages().keySet());
        assertTrue(plan("mine").recompute().isEmpty());
    }

    @Test
    void recomputingTheFirstStageRecomputesTheWholeChainWithoutTouchingTheOldOne() throws Exception {
        assertEquals(0, run().exitCode());
        String oldBase = plan("mine").runs().get(0).keyOf("base");
        assertEquals(0, run("--recompute=base").exitCode());
        assertEquals(13 + 13, starts().size());
        assertNotEquals(oldBase, plan("mine").runs().get(0).keyOf("base"));
        assertTrue(Files.exists(dir.resolve(".cache/stages").resolve(oldBase).resolve("value.txt")));
    }

    @Test
    void anUnknownStageNameIsOneLineListingTheNamesAndWritesNothing() {
        CliRun r = run("--recompute", "eval,trian");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("--recompute: no stage named 'trian'"), r.err());
        assertTrue(r.err().contains("its stages are: base, train, eval"), r.err());
        assertFalse(Files.exists(dir.resolve("two-arms")));
    }

    @Test
    void runHelpDocumentsTheFlag() {
        CliRun help = CliRun.of("run", "--help");
        String flat = help.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("--recompute=STAGE[,STAGE...] Compute the experiment's stages"), flat);
        assertTrue(flat.contains("new cache entries and other sweeps keep theirs"), flat);
    }
}
