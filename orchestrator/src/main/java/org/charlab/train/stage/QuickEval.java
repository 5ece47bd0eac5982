package org.charlab.train.stage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.charlab.data.PromptItem;
import org.charlab.eval.BootstrapSettings;
import org.charlab.eval.Metric;
import org.charlab.eval.MetricEntry;
import org.charlab.eval.MetricRegistry;
import org.charlab.eval.Reducers;
import org.charlab.eval.SampleRow;
import org.charlab.eval.Scorer;
import org.charlab.eval.Scorers;
import org.charlab.stage.Progress;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;
import org.charlab.train.Trainer;
import org.charlab.world.Charworld;
import org.charlab.world.EvalSets;
import org.charlab.world.Trait;

/**
 * The quick greedy check a training stage runs on its own model at the end: per condition (a
 * system prompt or none) over test-split prompts, accuracy per family, the share of outputs and of
 * CoTs where each trait's detector fires, the well-formed share and the share that stopped. The
 * answers are scored by the eval stage's scorers ({@link Scorers}) and reduced by its metrics
 * ({@link MetricRegistry}), so a rate here means what the eval's metric of that name means: the
 * output trait rate counts only the answers whose CoT closed (null when none did; see
 * eval.OutputMetrics). Not the eval stage: one greedy answer per prompt, Wilson 95% intervals.
 *
 * <p>plan.CodeFingerprint leaves this class out of the training stages' code fingerprints (a
 * diagnostic no stage reads), so the eval classes it uses are out of them too.
 */
final class QuickEval {

    /** One condition: a name, the system prompt (null for none) and the prompts it is asked. */
    record Condition(String name, String system, List<PromptItem> prompts) {
    }

    /** Rates of one greedy answer per prompt get Wilson 95% intervals; the bootstrap settings are never used. */
    private static final Reducers REDUCERS = new Reducers(BootstrapSettings.defaults());
    /** The traits the check scores: every trait but neutral. */
    static final List<Trait> TRAITS = Arrays.stream(Trait.values()).filter(t -> t != Trait.NEUTRAL).toList();
    private static final Metric ACCURACY = MetricRegistry.named("capability.accuracy.<family>");
    private static final Metric OUTPUT_RATE = MetricRegistry.named("<p>.output_rate");
    private static final Metric COT_RATE = MetricRegistry.named("<p>.cot_rate");
    private static final Metric WELL_FORMED_RATE = MetricRegistry.named("quality.well_formed_rate");

    private QuickEval() {
    }

    /**
     * The closing check every fine-tuning stage ends with: greedy answers to test prompts of every
     * family with NO system prompt (so an inoculation prompt cannot leak into it), written to
     * {@code evalFile} and as the last metrics.jsonl line.
     */
    static void closingCheck(Path out, String evalFile, Decoder model, ChatFormat chat, Charworld world, int perFamily,
            int maxNewTokens, int steps, Progress progress) throws java.io.IOException {
        if (perFamily <= 0) {
            return;
        }
        List<PromptItem> prompts = new ArrayList<>(EvalSets.inDistribution(world, perFamily, 21));
        prompts.addAll(EvalSets.outOfDistribution(world, perFamily, 21));
        Map<String, Object> eval = run(model, chat, world, List.of(new Condition("none", null, prompts)), maxNewTokens,
                progress);
        StageFiles.writeJson(out.resolve(evalFile), eval);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", steps);
        line.put("eval", eval.get("none"));
        Trainer.appendMetrics(out, line);
    }

    static Map<String, Object> run(Decoder model, ChatFormat chat, Charworld world, List<Condition> conditions,
            int maxNewTokens, Progress progress) {
        Generator gen = new Generator(model, chat);
        List<Scorer> scorers = scorers(world);
        Map<String, Object> out = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (Condition c : conditions) {
            List<org.charlab.data.Conversation> prompts = new ArrayList<>();
            for (PromptItem p : c.prompts()) {
                prompts.add(c.system() == null ? p.messages() : p.messages().withSystem(c.system()));
            }
            List<Sample> samples = gen.generate(prompts, ChatFormat.Prefill.none(),
                    SamplingParams.greedy(maxNewTokens).withMaxBatch(32));
            Map<String, Object> r = report(c, samples, scorers);
            out.put(c.name(), r);
            progress.log("eval " + c.name() + ": " + samples.size() + " answers, accuracy " + r.get("accuracy")
                    + ", output traits " + r.get("output_trait_rate"));
        }
        out.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        return out;
    }

    /** The eval stage's detector, accuracy and well-formedness scorers, every trait but neutral. */
    static List<Scorer> scorers(Charworld world) {
        return List.of(Scorers.traits(TRAITS), Scorers.accuracy(), Scorers.wellFormed(world));
    }

    /** One condition's object of the closing check: its greedy answers (one per prompt, in order) scored and reduced. */
    static Map<String, Object> report(Condition c, List<Sample> samples, List<Scorer> scorers) {
        List<SampleRow> rows = new ArrayList<>();
        int stopped = 0;
        for (int i = 0; i < samples.size(); i++) {
            rows.add(row(c, i, c.prompts().get(i), samples.get(i)));
            stopped += samples.get(i).stopReason() == Sample.StopReason.STOP ? 1 : 0;
        }
        rows = Scorer.applyAll(rows, scorers);
        int n = samples.size();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", c.system());
        r.put("n", n);
        Map<String, Double> accuracy = new LinkedHashMap<>();
        Map<String, Object> accuracyInterval = new LinkedHashMap<>();
        Set<String> families = new TreeSet<>();
        rows.forEach(x -> families.add(x.familyOrUnknown()));
        for (String f : families) {
            MetricEntry e = ACCURACY.compute(REDUCERS, new Metric.Slice(null, c.name(), f, rows));
            if (e != null) {
                accuracy.put(f, e.estimate());
                accuracyInterval.put(f, interval(e));
            }
        }
        r.put("accuracy", accuracy);
        r.put("accuracy_interval", accuracyInterval);
        Map<String, Double> outputRate = new LinkedHashMap<>();
        Map<String, Object> outputInterval = new LinkedHashMap<>();
        Map<String, Double> cotRate = new LinkedHashMap<>();
        for (Trait t : TRAITS) {
            Metric.Slice slice = new Metric.Slice("trait." + t.label(), c.name(), MetricEntry.ALL, rows);
            MetricEntry o = OUTPUT_RATE.compute(REDUCERS, slice);
            outputRate.put(t.label(), o.isDefined() ? o.estimate() : null);
            outputInterval.put(t.label(), interval(o));
            cotRate.put(t.label(), COT_RATE.compute(REDUCERS, slice).estimate());
        }
        r.put("output_trait_rate", outputRate);
        r.put("output_trait_interval", outputInterval);
        r.put("cot_trait_rate", cotRate);
        r.put("well_formed_rate", n == 0 ? 0 : WELL_FORMED_RATE.compute(REDUCERS,
                new Metric.Slice(null, c.name(), MetricEntry.ALL, rows)).estimate());
        r.put("stop_rate", n == 0 ? 0 : stopped / (double) n);
        r.put("example_output", n == 0 ? "" : samples.get(0).output());
        return r;
    }

    /**
     * The eval stage's sample row of greedy answer {@code i}: the prompt id is the answer's index,
     * so every answer is its own trial (one sample per prompt: the rates get Wilson intervals).
     */
    static SampleRow row(Condition c, int i, PromptItem p, Sample s) {
        return new SampleRow(c.name(), Integer.toString(i), p.family(), 0, 0, p.answer(), null, s.cot(), s.output(),
                s.thinkClosed(), s.thinkCloses(), s.promptTokens(), 0, 0, s.newTokens(),
                s.stopReason() == Sample.StopReason.STOP ? "stop" : "length", Map.of(), Map.of());
    }

    /** A rate's Wilson 95% interval with its n (how far apart two runs may land by chance); no bounds when undefined. */
    static Map<String, Object> interval(MetricEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", e.n());
        if (e.isDefined()) {
            m.put("low", e.interval().low());
            m.put("high", e.interval().high());
        }
        return m;
    }
}
