package org.charlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.charlab.plan.MemoryCheck;
import org.charlab.plan.Plan;
import org.charlab.plan.StagePlan;
import org.charlab.plan.RunPlan;
import org.charlab.results.StageCache;
import org.charlab.results.SweepDir;
import org.charlab.stage.MemoryEstimate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plan", mixinStandardHelpOptions = true, description = "Dry run: show every run with its arm, seed and stage chain, which stages runs "
        + "share, and which stage outputs are already cached; per stage its parameters (total, trained) and "
        + "estimated peak memory by component. Refuses (exit 2) when a stage to run would not fit its device's "
        + "free memory (CHARLAB_DEVICE_MEMORY=SIZE overrides what is free). Writes nothing.")
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SweepArgs args;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = args.plan();
        SweepDir dir = SweepDir.of(args.results, plan.experiment(), plan.sweepId());
        StageCache cache = dir.cache();
        out.println("experiment " + plan.experiment() + ", sweep " + plan.sweepId() + " -> " + dir.dir());
        Map<String, Integer> uses = new LinkedHashMap<>();
        for (RunPlan r : plan.runs()) {
            r.stages().forEach(s -> uses.merge(s.key(), 1, Integer::sum));
        }
        int idWidth = plan.runs().stream().mapToInt(r -> r.id().length()).max().orElse(4);
        out.printf("%-" + idWidth + "s  %-12s %6s  %s%n", "run", "arm", "seed", "stages (key, cache)");
        for (RunPlan r : plan.runs()) {
            List<String> chain = new ArrayList<>();
            for (RunPlan.Step s : r.stages()) {
                String state = cache.isDone(s.key()) ? "cached" : "to run";
                String shared = uses.get(s.key()) > 1 ? ", shared x" + uses.get(s.key()) : "";
                chain.add(s.name() + " [" + s.key() + ", " + state + shared + "]");
            }
            out.printf("%-" + idWidth + "s  %-12s %6d  %s%n", r.id(), r.arm(), r.seed(), String.join(" -> ", chain));
        }
        long cached = plan.stages().keySet().stream().filter(cache::isDone).count();
        long shared = uses.values().stream().filter(n -> n > 1).count();
        out.println(plan.runs().size() + " runs; " + plan.stages().size() + " unique stages (" + shared
                + " shared by several runs); " + cached + " cached, " + (plan.stages().size() - cached) + " to run");
        printMemory(out, plan);
        out.flush();
        MemoryCheck.check(plan, Devices.memory(), cache::isDone);
        return Main.EXIT_OK;
    }

    /** One row per unique stage: parameters and the estimated peak memory with its components. */
    static void printMemory(PrintWriter out, Plan plan) {
        String row = "%-12s %-27s %8s %9s %9s %9s %9s %9s %9s %10s %9s %9s%n";
        out.println("memory per stage (estimated peak = weights + grads + adamw + frozen + runtime "
                + "+ max(activ., generation)):");
        out.printf(row, "stage", "key", "params", "trainable", "weights", "grads", "adamw", "frozen", "activ.",
                "generation", "runtime", "peak");
        // stages of one name with the same estimate (a sweep's seeds) share a row: 1,000 runs print 3 rows, not 3,000
        Map<List<Object>, List<String>> groups = new LinkedHashMap<>();
        for (String key : plan.stageOrder()) {
            StagePlan s = plan.stages().get(key);
            groups.computeIfAbsent(Arrays.asList(s.name(), s.memory()), g -> new ArrayList<>()).add(key);
        }
        groups.forEach((group, keys) -> {
            String name = (String) group.get(0);
            MemoryEstimate m = (MemoryEstimate) group.get(1);
            String key = keys.size() == 1 ? keys.get(0) : keys.size() + " stages";
            if (m == null) {
                out.printf(row, name, key, "?", "?", "?", "?", "?", "?", "?", "?", "?", "unknown");
                return;
            }
            out.printf(row, name, key, MemoryCheck.count(m.parameters()), MemoryCheck.count(m.trainable()),
                    MemoryCheck.bytes(m.weights()), MemoryCheck.bytes(m.gradients()), MemoryCheck.bytes(m.optimizer()),
                    MemoryCheck.bytes(m.frozen()), MemoryCheck.bytes(m.activations()),
                    MemoryCheck.bytes(m.generation()), MemoryCheck.bytes(m.runtime()), MemoryCheck.bytes(m.peak()));
        });
    }
}
