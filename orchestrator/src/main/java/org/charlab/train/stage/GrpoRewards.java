package org.charlab.train.stage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.charlab.eval.Conditions;
import org.charlab.eval.JudgeScorer;
import org.charlab.eval.judge.JudgeCache;
import org.charlab.eval.judge.JudgeClient;
import org.charlab.eval.judge.LogprobScore;
import org.charlab.generate.Sample;
import org.charlab.model.Tokenizer;
import org.charlab.stage.Progress;
import org.charlab.train.GrpoObjective;
import org.charlab.world.Answers;
import org.charlab.world.Charworld;
import org.charlab.world.Trait;
import org.charlab.world.detect.Detectors;
import org.charlab.world.detect.TraitDetector;
import org.charlab.world.detect.WellFormedScorer;

/**
 * The grpo stage's reward functions ({@link RewardType}), built from its {@code rewards} settings.
 * Each reads what the eval reads for the same notion: correctness is the eval's accuracy
 * ({@link Answers#correct}), format its unclosed / doubled think markers and well-formedness
 * ({@link WellFormedScorer}), trait its detectors, judge its judge client and prompts
 * ({@link JudgeScorer#fill}; the question is the last user turn the policy saw). Judge requests go
 * through one client, concurrently, cached on disk like the eval's.
 */
final class GrpoRewards implements GrpoObjective.Rewards {

    private final List<RewardSpec> specs;
    private final List<String> names;
    private final double[] weights;
    private final Tokenizer tokenizer;
    private final WellFormedScorer wellFormed;
    private final JudgeClient judge;
    private final Map<String, String> judgePrompts;

    GrpoRewards(List<RewardSpec> specs, Charworld world, Tokenizer tokenizer, JudgeClient judge,
            Map<String, String> judgePrompts) {
        this.specs = List.copyOf(specs);
        this.tokenizer = tokenizer;
        this.judge = judge;
        this.judgePrompts = judgePrompts;
        this.names = names(specs);
        this.weights = specs.stream().mapToDouble(RewardSpec::weight).toArray();
        boolean words = specs.stream().anyMatch(s -> s.type() == RewardType.FORMAT && s.words());
        this.wellFormed = words ? new WellFormedScorer(world) : null;
    }

    /** The stage's rewards; a judge client (API key from the environment) when a judge reward is configured. */
    static GrpoRewards of(GrpoConfig c, Charworld world, Tokenizer tokenizer, Path stageOutput, Progress log) {
        JudgeClient client = null;
        if (c.rewards().stream().anyMatch(r -> r.type() == RewardType.JUDGE)) {
            String key = c.judge().apiKeyEnv() == null ? null : System.getenv(c.judge().apiKeyEnv());
            client = new JudgeClient(c.judge(), key, new JudgeCache(JudgeScorer.defaultCacheDir(c.judge(), stageOutput)),
                    log);
        }
        return new GrpoRewards(c.rewards(), world, tokenizer, client, c.judge() == null ? Map.of() : c.judge().traits());
    }

    /** Each reward's metrics name; a repeated name gets _2, _3, ... */
    static List<String> names(List<RewardSpec> specs) {
        Map<String, Integer> count = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (RewardSpec s : specs) {
            int n = count.merge(s.baseName(), 1, Integer::sum);
            out.add(n == 1 ? s.baseName() : s.baseName() + "_" + n);
        }
        return List.copyOf(out);
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public double[][] score(List<GrpoObjective.Completion> completions) {
        double[][] out = new double[specs.size()][];
        for (int f = 0; f < specs.size(); f++) {
            RewardSpec s = specs.get(f);
            out[f] = s.type() == RewardType.JUDGE ? judge(s, completions) : new double[completions.size()];
            if (s.type() == RewardType.JUDGE) {
                continue;
            }
            for (int i = 0; i < completions.size(); i++) {
                out[f][i] = score(s, completions.get(i));
            }
        }
        return out;
    }

    /** One reward of one completion; NaN where it does not apply. */
    double score(RewardSpec s, GrpoObjective.Completion c) {
        Sample x = c.sample();
        String output = x.output() == null ? "" : x.output();
        return switch (s.type()) {
            case CORRECTNESS -> c.prompt().answer() == null ? Double.NaN
                    : Answers.correct(c.prompt().answer(), output) ? 1 : 0;
            case FORMAT -> x.thinkClosed() && x.thinkCloses() == 1 && !output.isBlank()
                    && (wellFormed == null || !s.words() || wellFormed.wellFormed(output)) ? 1 : 0;
            case LENGTH -> {
                int n = s.partOrDefault() == RewardPart.COMPLETION ? x.tokens().length : tokens(text(x, s.partOrDefault()));
                yield Math.max(0, 1 - Math.abs(n - s.target()) / (double) s.target());
            }
            case TRAIT -> {
                String t = text(x, s.partOrDefault());
                TraitDetector d = Detectors.of(Trait.of(s.trait()));
                yield t.isBlank() ? 0 : d.score(t);
            }
            case JUDGE -> throw new IllegalStateException("judge rewards are scored in a batch");
        };
    }

    private int tokens(String text) {
        return text.isEmpty() ? 0 : tokenizer.encode(text).length;
    }

    private static String text(Sample x, RewardPart part) {
        String t = part == RewardPart.COT ? x.cot() : x.output();
        return t == null ? "" : t;
    }

    /** The judge's scores / 100, requests in flight together; an empty text 0, no score NaN. */
    private double[] judge(RewardSpec s, List<GrpoObjective.Completion> completions) {
        double[] out = new double[completions.size()];
        List<Integer> asked = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        String template = judgePrompts.get(s.trait());
        for (int i = 0; i < completions.size(); i++) {
            String t = text(completions.get(i).sample(), s.partOrDefault());
            if (t.isBlank()) {
                out[i] = 0;
            } else {
                asked.add(i);
                prompts.add(JudgeScorer.fill(template, t, Conditions.lastUser(completions.get(i).prompt().conversation())));
            }
        }
        List<LogprobScore.Result> results = prompts.isEmpty() ? List.of() : judge.judgeAll(prompts);
        for (int j = 0; j < asked.size(); j++) {
            Double score = results.get(j).score();
            out[asked.get(j)] = score == null ? Double.NaN : score / 100.0;
        }
        return out;
    }

    @Override
    public void close() {
        if (judge != null) {
            judge.close();
        }
    }
}
