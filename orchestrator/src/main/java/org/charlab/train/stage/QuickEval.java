package org.charlab.train.stage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.charlab.data.PromptItem;
import org.charlab.exec.Progress;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;
import org.charlab.stats.Interval;
import org.charlab.stats.Wilson;
import org.charlab.train.Trainer;
import org.charlab.world.Answers;
import org.charlab.world.Charworld;
import org.charlab.world.EvalSets;
import org.charlab.world.Trait;
import org.charlab.world.detect.Detectors;
import org.charlab.world.detect.WellFormedScorer;

/**
 * The quick greedy check a training stage runs on its own model at the end: per condition (a
 * system prompt or none) over test-split prompts, accuracy per family (Answers.correct on the
 * output), the share of outputs and of CoTs where each trait's detector fires, the well-formed
 * share and the share that stopped. Not the eval stage: no sampling, no intervals.
 */
final class QuickEval {

    /** One condition: a name, the system prompt (null for none) and the prompts it is asked. */
    record Condition(String name, String system, List<PromptItem> prompts) {
    }

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
        WellFormedScorer wf = new WellFormedScorer(world);
        Map<String, Object> out = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (Condition c : conditions) {
            List<org.charlab.data.Conversation> prompts = new ArrayList<>();
            for (PromptItem p : c.prompts()) {
                prompts.add(c.system() == null ? p.messages() : p.messages().withSystem(c.system()));
            }
            List<Sample> samples = gen.generate(prompts, ChatFormat.Prefill.none(),
                    SamplingParams.greedy(maxNewTokens).withMaxBatch(32));
            Map<String, int[]> acc = new TreeMap<>();
            Map<String, Integer> outputHits = new LinkedHashMap<>();
            Map<String, Integer> cotHits = new LinkedHashMap<>();
            int wellFormed = 0;
            int stopped = 0;
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                PromptItem p = c.prompts().get(i);
                if (p.answer() != null) {
                    int[] a = acc.computeIfAbsent(p.family(), k -> new int[2]);
                    a[0] += Answers.correct(p.answer(), s.output()) ? 1 : 0;
                    a[1]++;
                }
                for (Trait t : Trait.values()) {
                    if (t == Trait.NEUTRAL) {
                        continue;
                    }
                    outputHits.merge(t.label(), Detectors.of(t).present(s.output()) ? 1 : 0, Integer::sum);
                    cotHits.merge(t.label(), s.cot() != null && Detectors.of(t).present(s.cot()) ? 1 : 0, Integer::sum);
                }
                wellFormed += wf.wellFormed(s.output()) ? 1 : 0;
                stopped += s.stopReason() == Sample.StopReason.STOP ? 1 : 0;
            }
            int n = samples.size();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("system", c.system());
            r.put("n", n);
            Map<String, Double> accuracy = new LinkedHashMap<>();
            acc.forEach((f, a) -> accuracy.put(f, a[0] / (double) a[1]));
            r.put("accuracy", accuracy);
            Map<String, Object> accuracyInterval = new LinkedHashMap<>();
            acc.forEach((f, a) -> accuracyInterval.put(f, wilson95(a[0], a[1])));
            r.put("accuracy_interval", accuracyInterval);
            r.put("output_trait_rate", rates(outputHits, n));
            Map<String, Object> outputInterval = new LinkedHashMap<>();
            outputHits.forEach((t, k) -> outputInterval.put(t, wilson95(k, n)));
            r.put("output_trait_interval", outputInterval);
            r.put("cot_trait_rate", rates(cotHits, n));
            r.put("well_formed_rate", n == 0 ? 0 : wellFormed / (double) n);
            r.put("stop_rate", n == 0 ? 0 : stopped / (double) n);
            r.put("example_output", n == 0 ? "" : samples.get(0).output());
            out.put(c.name(), r);
            progress.log("eval " + c.name() + ": " + n + " answers, accuracy " + accuracy + ", output traits "
                    + r.get("output_trait_rate"));
        }
        out.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        return out;
    }

    /** The Wilson 95% interval of k successes in n greedy answers, with n: how far apart two runs may land by chance. */
    static Map<String, Object> wilson95(int k, int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        if (n > 0) {
            Interval iv = Wilson.interval(k, n, 0.95);
            m.put("low", iv.low());
            m.put("high", iv.high());
        }
        return m;
    }

    private static Map<String, Double> rates(Map<String, Integer> hits, int n) {
        Map<String, Double> r = new LinkedHashMap<>();
        hits.forEach((k, v) -> r.put(k, n == 0 ? 0 : v / (double) n));
        return r;
    }
}
