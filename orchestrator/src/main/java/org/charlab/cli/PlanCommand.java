package org.charlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.StageCache;
import org.charlab.results.SweepDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plan", mixinStandardHelpOptions = true, description = "Dry run: show every run with its arm, seed and stage chain, which stages runs "
        + "share, and which stage outputs are already cached. Writes nothing.")
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
        out.flush();
        return Main.EXIT_OK;
    }
}
