package org.charlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.charlab.BadInput;
import org.charlab.report.Comparison;
import org.charlab.report.ExpectationRegion;
import org.charlab.report.Report;
import org.charlab.report.RunResults;
import org.charlab.report.SweepSummary;
import org.charlab.results.SweepDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write report.html (self-contained) and report.md for a sweep: its question, the findings first "
                + "(each expectation's verdict, or the largest paired differences), with a grid where each expectation "
                + "holds (judged per grid point, never pooled), expectations with verdicts from "
                + "the intervals, plan, provenance, data fingerprints, training curves, error-bar plots, the "
                + "comparison table and transcripts side by side with the detector hits highlighted.")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SWEEP_DIR", description = "results/<experiment>/<sweep-id>")
    Path sweepDir;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: SWEEP_DIR/report).")
    Path out;

    @Option(names = "--baseline", paramLabel = "ARM", description = "Pair every arm against this one in the table "
            + "(default: the experiment's report.baseline).")
    String baseline;

    @Option(names = "--well-formed-bound", paramLabel = "RATE", description = "Flag the output trait rates of an "
            + "arm whose well-formed rate is below this (default: the experiment's report.well_formed_bound).")
    Double wellFormedBound;

    @Option(names = "--stage", paramLabel = "NAME", description = "Eval stage to read (default: each run's last).")
    String stage;

    @Option(names = "--resamples", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
    int resamples = 2000;

    @Option(names = "--seed", description = "Bootstrap RNG seed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--transcripts", paramLabel = "N", description = "Prompts whose transcripts are shown side by "
            + "side, at least one per family and distribution (default: ${DEFAULT-VALUE}).")
    int transcripts = org.charlab.report.Transcripts.DEFAULT_PROMPTS;

    @Option(names = "--transcript-seed", paramLabel = "SEED", description = "Seed of the reproducible choice of those "
            + "prompts, recorded in the report (default: ${DEFAULT-VALUE}).")
    long transcriptSeed = 0;

    @Override
    public Integer call() throws Exception {
        SweepDir dir = SweepDir.open(sweepDir);
        if (!Files.isRegularFile(dir.plan())) {
            throw new BadInput(sweepDir + ": not a sweep directory (no plan.json)");
        }
        RunResults.Found found = RunResults.load(List.of(dir.dir()), stage);
        org.charlab.config.ReportConfig rc = SweepSummary.settings(org.charlab.plan.Plan.read(dir.plan()));
        Comparison.Settings s = new Comparison.Settings(CompareCommand.parseMethod("percentile"), 0.95, resamples, seed,
                wellFormedBound != null ? wellFormedBound : rc.wellFormedBound());
        String base = baseline != null ? baseline : rc.baseline();
        if (transcripts < 0) {
            throw new BadInput("--transcripts: " + transcripts + " is negative; allowed: 0 or more prompts");
        }
        Report.Written w = new Report(dir, found, base, s, out != null ? out : dir.dir().resolve("report"),
                transcriptSeed, transcripts).write();
        PrintWriter pw = spec.commandLine().getOut();
        for (ExpectationRegion c : w.checks()) {
            pw.println(c.line());
        }
        if (!found.duplicates().isEmpty()) {
            pw.println(found.duplicatesLine());
        }
        pw.println("wrote " + w.html() + " and " + w.markdown());
        pw.flush();
        return Main.EXIT_OK;
    }
}
