package org.charlab.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.ConfigWriter;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.AtomicFiles;
import org.charlab.results.SweepDir;

/** Lays out a sweep directory from its plan: plan.json, and per run its configs and stage links. */
public final class SweepSetup {

    private SweepSetup() {
    }

    /**
     * Checks an existing sweep directory against the policy, before anything is written.
     *
     * @return false when the policy says to skip
     */
    public static boolean admit(Plan plan, SweepDir dir, IfExists policy) {
        if (!Files.exists(dir.plan())) {
            return true;
        }
        switch (policy) {
            case SKIP:
                return false;
            case FAIL:
                throw new BadInput(dir.dir() + ": the sweep exists already (--if-exists fail); use resume, skip or overwrite");
            case OVERWRITE:
                return true;
            default:
                Plan old = Plan.read(dir.plan());
                if (!sameRuns(old, plan)) {
                    throw new BadInput(dir.dir() + ": holds a different plan for sweep id '" + plan.sweepId()
                            + "'; choose another --sweep-id or --if-exists overwrite");
                }
                return true;
        }
    }

    static boolean sameRuns(Plan a, Plan b) {
        return a.runs().stream().map(r -> r.id() + r.stages()).toList()
                .equals(b.runs().stream().map(r -> r.id() + r.stages()).toList());
    }

    /** Writes plan.json and every run's directory. Call with the sweep lock held. */
    public static void write(Plan plan, SweepDir dir, IfExists policy) {
        try {
            if (policy == IfExists.OVERWRITE && Files.exists(dir.plan())) {
                AtomicFiles.deleteTree(dir.dir().resolve("runs"));
                Files.deleteIfExists(dir.plan());
                Files.deleteIfExists(dir.provenance());
                Files.deleteIfExists(dir.log());
                AtomicFiles.deleteTree(dir.dir().resolve("logs"));
            }
            AtomicFiles.write(dir.plan(), plan.toJson());
            for (RunPlan r : plan.runs()) {
                Path run = dir.run(r.id());
                AtomicFiles.write(run.resolve("config.resolved.yaml"), "# run " + r.id() + " of sweep " + plan.sweepId()
                        + "; `charlab run` on this file reproduces this run alone\n" + ConfigWriter.YAML.writeValueAsString(r.config()));
                AtomicFiles.write(run.resolve("overrides.yaml"), overrides(plan, r));
                Path links = run.resolve("stages");
                Files.createDirectories(links);
                for (RunPlan.Step s : r.stages()) {
                    Path link = links.resolve(s.name());
                    Path target = links.relativize(dir.cache().output(s.key()));
                    if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
                        continue;
                    }
                    Files.deleteIfExists(link);
                    Files.createSymbolicLink(link, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out " + dir.dir(), e);
        }
    }

    private static String overrides(Plan plan, RunPlan r) throws IOException {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("command_line", plan.commandLineOverrides());
        o.put("sweep", r.overrides());
        o.put("seed", r.seed());
        return "# what was typed: command-line overrides, then this run's arm/grid/zip overrides\n"
                + ConfigWriter.YAML.writeValueAsString(o);
    }
}
