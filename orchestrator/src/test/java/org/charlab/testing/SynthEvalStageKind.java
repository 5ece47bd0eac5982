package org.charlab.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.config.Setting;
import org.charlab.eval.BootstrapSettings;
import org.charlab.eval.MetricsCalculator;
import org.charlab.eval.MetricsReport;
import org.charlab.eval.SampleRow;
import org.charlab.eval.Samples;
import org.charlab.stage.Stage;
import org.charlab.stage.StageContext;
import org.charlab.stage.StageKind;

/**
 * Test-only evaluation with known truth: writes samples.jsonl and metrics.json in the real formats
 * for a trait ("caps") whose output and CoT rates are set in config, so compare and report can be
 * checked against the truth without training anything.
 */
public final class SynthEvalStageKind implements StageKind<SynthEvalStageKind.Config> {

    public record Config(
            @Setting(doc = "True share of outputs showing caps.", def = "0.5", min = 0, max = 1) double outputRate,
            @Setting(doc = "True share of CoTs showing caps.", def = "0.1", min = 0, max = 1) double cotRate,
            @Setting(doc = "Prompts.", def = "40", min = 2) int prompts,
            @Setting(doc = "Samples per prompt.", def = "1", min = 1) int samplesPerPrompt,
            @Setting(doc = "Prompt id prefix (different prefixes = different prompt sets).", def = "p") String promptPrefix,
            @Setting(doc = "Share of samples whose CoT never closes (no output; scored 0 as older evals did).",
                    def = "0", min = 0, max = 1) double unclosedRate,
            @Setting(doc = "True share of well-formed outputs (quality.well_formed); null: not scored.", def = "null",
                    omitWhenNull = true, min = 0, max = 1) Double wellFormedRate) {
    }

    @Override
    public String type() {
        return "synth-eval";
    }

    @Override
    public String summary() {
        return "test-only: evaluation with known trait rates";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Stage<Config> create() {
        return SynthEvalStageKind::run;
    }

    static void run(StageContext<Config> ctx) throws Exception {
        Config c = ctx.config();
        List<SampleRow> rows = new ArrayList<>();
        for (int i = 0; i < c.prompts(); i++) {
            // prompt difficulty shared by every arm and seed: the pairing has something to cancel
            double shift = new SplittableRandom(1000 + i).nextDouble(-0.15, 0.15);
            for (int j = 0; j < c.samplesPerPrompt(); j++) {
                SplittableRandom rng = new SplittableRandom(ctx.seed() * 1_000_003L + i * 101L + j);
                boolean out = rng.nextDouble() < clamp(c.outputRate() + shift);
                boolean cot = rng.nextDouble() < clamp(c.cotRate() + shift);
                // its own stream, so the other draws do not depend on unclosed_rate
                boolean closed = !(new SplittableRandom(ctx.seed() * 7_000_003L + i * 131L + j + 17).nextDouble()
                        < c.unclosedRate());
                out &= closed;
                Map<String, Double> scores = new LinkedHashMap<>();
                scores.put("trait.caps.cot", cot ? 0.95 : 0.05);
                scores.put("trait.caps.output", out ? 0.95 : 0.05);
                scores.put("trait.caps.cot_present", cot ? 1.0 : 0.0);
                scores.put("trait.caps.output_present", out ? 1.0 : 0.0);
                scores.put("accuracy", rng.nextDouble() < 0.7 && closed ? 1.0 : 0.0);
                if (c.wellFormedRate() != null) {
                    boolean wf = closed && new SplittableRandom(ctx.seed() * 9_000_011L + i * 151L + j + 29).nextDouble()
                            < c.wellFormedRate();
                    scores.put("quality.well_formed_score", wf ? 1.0 : 0.3);
                    scores.put("quality.well_formed", wf ? 1.0 : 0.0);
                }
                rows.add(new SampleRow("plain", c.promptPrefix() + i, i % 2 == 0 ? "arithmetic" : "lookup", j,
                        rng.nextLong(), "1", null, cot ? "I ADD THEM." : "I add them.",
                        !closed ? "" : out ? "THE ANSWER IS 1." : i % 4 == 3 ? "It is 1 <script>alert(1)</script>" : "It is 1.", closed, closed ? 1 : 0, 10, 11, closed ? 8 : 0, 20,
                        closed ? "stop" : "length", scores, Map.of()));
            }
        }
        BootstrapSettings b = BootstrapSettings.defaults();
        Samples.write(ctx.outputDir().resolve(Samples.FILE), rows);
        MetricsReport.write(ctx.outputDir().resolve(MetricsReport.FILE), new MetricsCalculator(b).compute(rows), b,
                rows.size());
    }

    private static double clamp(double p) {
        return Math.max(0, Math.min(1, p));
    }
}
