package org.charlab.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.config.BadInput;
import org.charlab.eval.MetricsReport;
import org.charlab.eval.Samples;
import org.charlab.plan.Plan;
import org.charlab.plan.RunPlan;
import org.charlab.results.SweepDir;

/** Finds the evaluated runs under sweep directories and run directories. */
public final class RunResults {

    /** What was found: runs with an evaluation, and runs skipped with the reason. */
    public record Found(List<RunResult> runs, List<String> skipped) {
    }

    private RunResults() {
    }

    /**
     * @param paths sweep directories (holding plan.json) or run directories (runs/&lt;id&gt;), mixed
     * @param stage name of the eval stage to read; null takes each run's last stage that evaluates (type
     *              eval, or any stage whose output holds metrics.json)
     */
    public static Found load(List<Path> paths, String stage) {
        List<RunResult> runs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path p : paths) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isRegularFile(abs.resolve("plan.json"))) {
                SweepDir dir = SweepDir.open(abs);
                Plan plan = Plan.read(dir.plan());
                for (RunPlan r : plan.runs()) {
                    add(plan, dir, r, stage, runs, skipped);
                }
            } else if (abs.getParent() != null && abs.getParent().getFileName() != null
                    && abs.getParent().getFileName().toString().equals("runs")
                    && Files.isRegularFile(abs.getParent().getParent().resolve("plan.json"))) {
                SweepDir dir = SweepDir.open(abs.getParent().getParent());
                Plan plan = Plan.read(dir.plan());
                add(plan, dir, plan.run(abs.getFileName().toString()), stage, runs, skipped);
            } else {
                throw new BadInput(p + ": neither a sweep directory (with plan.json) nor a run directory (runs/<id>)");
            }
        }
        return new Found(runs, skipped);
    }

    private static void add(Plan plan, SweepDir dir, RunPlan r, String stage, List<RunResult> runs, List<String> skipped) {
        String chosen = null;
        for (RunPlan.Step s : r.stages()) {
            boolean evaluates = "eval".equals(plan.stages().get(s.key()).type()) || Files.isRegularFile(
                    dir.run(r.id()).resolve("stages").resolve(s.name()).resolve(MetricsReport.FILE));
            if (stage != null ? s.name().equals(stage) : evaluates) {
                chosen = s.name();
            }
        }
        if (chosen == null) {
            skipped.add(r.id() + ": no " + (stage == null ? "eval stage" : "stage named '" + stage + "'"));
            return;
        }
        Path out = dir.run(r.id()).resolve("stages").resolve(chosen);
        if (!Files.isRegularFile(out.resolve(MetricsReport.FILE))) {
            skipped.add(r.id() + ": stage '" + chosen + "' has not finished");
            return;
        }
        Map<String, Object> axes = new LinkedHashMap<>(r.axes());
        axes.remove("arm");
        axes.remove("seed");
        runs.add(new RunResult(plan.experiment(), plan.sweepId(), dir.dir(), r.id(), r.arm(), r.seed(), axes, chosen,
                MetricsReport.read(out.resolve(MetricsReport.FILE)), Samples.read(out.resolve(Samples.FILE))));
    }
}
