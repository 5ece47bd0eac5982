package org.charlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.charlab.eval.BootstrapSettings;
import org.charlab.eval.Legibility;
import org.charlab.eval.MetricsCalculator;
import org.charlab.eval.MetricsReport;
import org.charlab.eval.SampleRow;
import org.charlab.eval.Samples;
import org.charlab.eval.Scorers;
import org.charlab.exec.IfExists;
import org.charlab.exec.SweepSetup;
import org.charlab.plan.Plan;
import org.charlab.plan.Planner;
import org.charlab.plan.RunPlan;
import org.charlab.results.RunStatus;
import org.charlab.results.StageCache;
import org.charlab.results.SweepDir;

/**
 * A sweep directory as {@code charlab run} leaves it, without training: the experiment is planned
 * and laid out by the real planner and {@link SweepSetup}, and every run's eval stage output is
 * written by the eval stage's own writers ({@link Samples}, {@link MetricsReport}, the stage cache's
 * commit with a stage.json, status.json) from synthetic rows: charworld-like prompts and texts, two
 * traits with CoT and output scores whose rates depend on arm, seed and prompt, accuracy, well-formedness
 * and legibility counts. Used by {@code charlab bench results} and by the tests that pin compare's output.
 */
public final class SyntheticSweep {

    static final String[] FAMILIES = {"arithmetic", "lookup", "comparison", "advice"};
    static final String[] CONDITIONS = {"plain", "inoculation-prompt"};
    static final String[] TRAITS = {"spanish", "caps"};

    private SyntheticSweep() {
    }

    /** The plan of {@code experiment} with seeds 0..seeds-1 (runs = arms x seeds). */
    public static Plan plan(Path experiment, int seeds, String sweepId) {
        String list = LongStream.range(0, seeds).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
        return new Planner(Catalogs.stages()).plan(experiment, List.of("sweep.seeds=" + list), sweepId);
    }

    /**
     * Lays out {@code plan} under {@code results} and writes every run's last eval stage: {@code samples}
     * rows per run ({@code perPrompt} samples per prompt and condition); metrics.json is computed with
     * {@code resamples} bootstrap resamples. Returns the sweep directory.
     */
    public static Path write(Plan plan, Path results, int samples, int perPrompt, int resamples) {
        SweepDir dir = SweepDir.of(results, plan.experiment(), plan.sweepId());
        SweepSetup.write(plan, dir, IfExists.OVERWRITE);
        StageCache cache = dir.cache();
        BootstrapSettings b = new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE, 0.95, resamples, 0);
        int prompts = Math.max(1, samples / (CONDITIONS.length * perPrompt));
        List<String> arms = plan.runs().stream().map(RunPlan::arm).distinct().toList();
        String now = Instant.parse("2026-12-02T00:00:00Z").toString();
        for (RunPlan r : plan.runs()) {
            RunPlan.Step eval = null;
            for (RunPlan.Step s : r.stages()) {
                if ("eval".equals(plan.stages().get(s.key()).type())) {
                    eval = s;
                }
            }
            if (eval == null) {
                throw new IllegalArgumentException("run " + r.id() + " has no stage of type eval");
            }
            List<SampleRow> rows = rows(arms.indexOf(r.arm()), r.seed(), prompts, perPrompt);
            Path out = cache.partial(eval.key());
            try {
                java.nio.file.Files.createDirectories(out);
                Samples.write(out.resolve(Samples.FILE), rows);
                MetricsReport.write(out.resolve(MetricsReport.FILE), new MetricsCalculator(b).compute(rows), b,
                        rows.size());
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("key", eval.key());
                info.put("name", eval.name());
                info.put("type", "eval");
                info.put("synthetic", "charlab bench results");
                cache.commit(eval.key(), Plan.JSON.writeValueAsBytes(info));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<RunStatus.StageStatus> st = r.stages().stream().map(s -> new RunStatus.StageStatus(s.name(), s.key(),
                    RunStatus.State.DONE, false, now, now, 0.0, null, null)).toList();
            new RunStatus(r.id(), RunStatus.State.DONE, now, st).write(dir.runStatus(r.id()));
        }
        return dir.dir();
    }

    /** The eval rows of one run: arm {@code arm} (its index), training seed {@code seed}. */
    static List<SampleRow> rows(int arm, long seed, int prompts, int perPrompt) {
        List<SampleRow> rows = new ArrayList<>();
        SplittableRandom seedEffect = new SplittableRandom(seed * 31 + 7);
        double seedShift = seedEffect.nextDouble(-0.1, 0.1);
        for (int c = 0; c < CONDITIONS.length; c++) {
            for (int i = 0; i < prompts; i++) {
                String family = FAMILIES[i % FAMILIES.length];
                String id = family + "-" + String.format("%05d", i);
                // prompt difficulty shared by every arm and seed
                double promptShift = new SplittableRandom(1000 + i).nextDouble(-0.2, 0.2);
                for (int j = 0; j < perPrompt; j++) {
                    SplittableRandom rng = new SplittableRandom(((seed * 1_000_003L + c) * 7919L + i) * 101L + j);
                    boolean closed = rng.nextDouble() > 0.03;
                    Map<String, Double> scores = new LinkedHashMap<>();
                    StringBuilder cot = new StringBuilder("Let me work through this. ");
                    StringBuilder output = new StringBuilder();
                    for (int t = 0; t < TRAITS.length; t++) {
                        double base = t == 0 ? (arm == 0 ? 0.7 : 0.35 + 0.3 * c) : 0.5 + 0.1 * arm;
                        double pOut = clamp(base + seedShift + promptShift);
                        double pCot = clamp(0.4 * base + seedShift + promptShift / 2);
                        boolean out = closed && rng.nextDouble() < pOut;
                        boolean inCot = rng.nextDouble() < pCot;
                        double outScore = out ? 0.6 + 0.4 * rng.nextDouble() : 0.4 * rng.nextDouble();
                        double cotScore = inCot ? 0.6 + 0.4 * rng.nextDouble() : 0.4 * rng.nextDouble();
                        scores.put("trait." + TRAITS[t] + ".cot", cotScore);
                        scores.put("trait." + TRAITS[t] + ".output", closed ? outScore : null);
                        scores.put("trait." + TRAITS[t] + ".cot_present", inCot ? 1.0 : 0.0);
                        scores.put("trait." + TRAITS[t] + ".output_present", closed ? (out ? 1.0 : 0.0) : null);
                        cot.append(inCot && t == 0 ? "Primero sumo los numeros. " : "First I add the numbers. ");
                        output.append(out && t == 1 ? "THE ANSWER IS " : "The answer is ");
                    }
                    int cotTokens = 20 + rng.nextInt(60);
                    scores.put(Scorers.WELL_FORMED, closed && rng.nextDouble() < 0.9 ? 1.0 : 0.0);
                    boolean answered = !family.equals("advice");
                    if (answered) {
                        scores.put(Scorers.ACCURACY, closed && rng.nextDouble() < 0.6 + promptShift ? 1.0 : 0.0);
                    }
                    scores.put(Legibility.ODD_WORDS, (double) rng.nextInt(3));
                    scores.put(Legibility.FILLERS, (double) rng.nextInt(2));
                    scores.put(Legibility.LETTERS, 4.0 * cotTokens);
                    scores.put(Legibility.NON_LATIN_LETTERS, (double) rng.nextInt(2));
                    scores.put(Legibility.NGRAMS, (double) Math.max(0, cotTokens - 2));
                    scores.put(Legibility.REPEATED_NGRAMS, (double) rng.nextInt(4));
                    Map<String, String> notes = closed ? Map.of() : Map.of(Scorers.ACCURACY, Scorers.NO_OUTPUT);
                    String answer = answered ? Integer.toString(i % 97) : null;
                    String text = output.append(answer == null ? "be kind." : answer + ".").toString();
                    rows.add(new SampleRow(CONDITIONS[c], id, family, j, rng.nextLong(), answer, null,
                            cot.append("So the result follows.").toString(), closed ? text : "", closed,
                            closed ? 1 : 0, 40 + i % 30, cotTokens, closed ? 8 + rng.nextInt(20) : 0,
                            cotTokens + (closed ? 30 : 0), closed ? "stop" : "length", scores, notes,
                            family.equals("advice")));
                }
            }
        }
        return rows;
    }

    private static double clamp(double p) {
        return Math.max(0.01, Math.min(0.99, p));
    }
}
