package org.charlab.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.charlab.BadInput;
import org.charlab.data.Conversation;
import org.charlab.data.PromptItem;
import org.charlab.stage.Stage;
import org.charlab.stage.StageContext;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatFormats;
import org.charlab.model.Checkpoint;
import org.charlab.model.Engines;
import org.charlab.model.Tokenizer;
import org.charlab.world.Charworld;
import org.charlab.world.WorldMatch;

/**
 * The eval stage: the only part of the evaluation that touches the engine. It generates every
 * (condition, prompt, sample) completion from the input checkpoint, then hands the rows to the
 * engine-free scorers and {@link MetricsCalculator}, and writes samples.jsonl and metrics.json.
 */
final class EvalStage implements Stage<EvalConfig> {

    @Override
    public void run(StageContext<EvalConfig> ctx) throws Exception {
        EvalConfig cfg = ctx.config();
        Charworld world = new Charworld(cfg.world());
        List<PromptItem> prompts = EvalPrompts.of(cfg, world);
        Set<String> ood = oodFamilies(cfg, world, prompts);
        Path modelDir = modelDir(ctx.input("input"));
        checkWorld(cfg, Checkpoint.readProvenance(modelDir), modelDir);

        Map<PrefillAttack.Key, PriorTurn> firstTurns = PrefillAttack.firstTurns(ctx, cfg, prompts);
        Device device = Engines.configure(ctx.runtime(), 1, ctx.seed());
        List<SampleRow> rows;
        try (NDManager manager = NDManager.newBaseManager(device);
                Checkpoint.Loaded loaded = Checkpoint.load(modelDir, manager)) {
            rows = generate(ctx, cfg, prompts, loaded, modelDir, firstTurns);
            if (!cfg.likelihoodTraits().isEmpty()) {
                ctx.progress().log("trait likelihood of " + cfg.likelihoodTraits() + " and neutral");
                rows = TraitLikelihood.score(rows, cfg, prompts, EvalPrompts.tasks(cfg, world), loaded.model(),
                        ChatFormats.forModel(modelDir, loaded.tokenizer(), cfg.chat()), ctx.progress());
            }
        }

        List<Scorer> scorers = new ArrayList<>();
        scorers.add(Scorers.traits(cfg.traits()));
        scorers.add(Scorers.accuracy());
        if (cfg.wellFormed()) {
            scorers.add(Scorers.wellFormed(world));
        }
        scorers.add(Scorers.legibility(cfg.legibility()));
        if (cfg.judge() != null) {
            Map<String, String> questions = new LinkedHashMap<>();
            for (PromptItem p : prompts) {
                questions.put(p.id(), Conditions.lastUser(p.messages()));
            }
            scorers.add(JudgeScorer.create(cfg.judge(), JudgeScorer.defaultCacheDir(cfg.judge(), ctx.outputDir()),
                    r -> questions.getOrDefault(r.promptId(), ""), ctx.progress()));
        }
        ctx.progress().log("scoring " + rows.size() + " samples");
        try {
            rows = Scorer.applyAll(rows, scorers);
        } finally {
            for (Scorer sc : scorers) {
                if (sc instanceof AutoCloseable c) {
                    c.close();
                }
            }
        }
        rows = markDistribution(rows, ood);
        Samples.write(ctx.outputDir().resolve(Samples.FILE), rows);

        Map<String, List<String>> pools = Conditions.pools(cfg.conditions());
        List<MetricEntry> metrics = new MetricsCalculator(cfg.bootstrap()).compute(rows, pools);
        MetricsReport.write(ctx.outputDir().resolve(MetricsReport.FILE), metrics, cfg.bootstrap(), rows.size(), pools);
        for (MetricEntry e : metrics) {
            if (e.family().equals(MetricEntry.ALL) && (e.name().endsWith(".output_rate") || e.name().endsWith(".cot_rate"))) {
                ctx.progress().log(e.toString());
            }
        }
    }

    /**
     * The families evaluated as out of distribution: prompts.ood_families, else world.ood_family
     * when the prompts are charworld's sets, else none. A named family no prompt has is bad input
     * (a typo would otherwise leave the out-of-distribution group silently empty).
     */
    static Set<String> oodFamilies(EvalConfig cfg, Charworld world, List<PromptItem> prompts) {
        if (cfg.prompts().oodFamilies().isEmpty()) {
            return cfg.prompts().file() == null ? Set.of(world.config().oodFamily().label()) : Set.of();
        }
        Set<String> present = new TreeSet<>();
        prompts.forEach(p -> present.add(SampleRow.familyOrUnknown(p.family())));
        for (String f : cfg.prompts().oodFamilies()) {
            if (!present.contains(f)) {
                throw new BadInput("eval.prompts.ood_families: no prompt has family '" + f + "'; the prompts' families are "
                        + present);
            }
        }
        return new LinkedHashSet<>(cfg.prompts().oodFamilies());
    }

    /** Marks every row in (false) or out of (true) distribution; leaves them unmarked when {@code ood} is empty. */
    static List<SampleRow> markDistribution(List<SampleRow> rows, Set<String> ood) {
        if (ood.isEmpty()) {
            return rows;
        }
        return rows.stream().map(r -> r.withOod(ood.contains(r.familyOrUnknown()))).toList();
    }

    /**
     * When the checkpoint's charlab.json records the charworld it was trained on (a "world" object,
     * which pretrain writes and sft, dpo and opd carry on), the eval's world must agree on the
     * fields that decide the test items ({@link WorldMatch#SPLIT_FIELDS}); otherwise "held-out"
     * items could be training items. BadInput names each field with both values.
     *
     * <p>A checkpoint that records no world - a user's HF directory brought in by a
     * {@code checkpoint} stage - is evaluated on charworld without this check: charlab cannot know
     * what it was trained on, and charworld's items are new to a model that never saw charworld.
     * A prompt file instead of charworld's sets is not checked either.
     */
    static void checkWorld(EvalConfig cfg, com.fasterxml.jackson.databind.JsonNode provenance, Path modelDir) {
        com.fasterxml.jackson.databind.JsonNode w = provenance.path("world");
        if (!w.isObject() || cfg.prompts().file() != null) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> recorded = org.charlab.config.ConfigWriter.JSON.convertValue(w, Map.class);
        List<String> diffs = WorldMatch.differences(cfg.world(), recorded, "checkpoint");
        if (!diffs.isEmpty()) {
            throw new BadInput("eval.world differs from the world " + modelDir + " was trained on: "
                    + String.join(", ", diffs) + "; set stages.<eval>.world to match");
        }
    }

    /** {@code <input>/model} when the input stage wrote a checkpoint there, else the input itself. */
    static Path modelDir(Path input) {
        Path m = input.resolve("model");
        return Files.isDirectory(m) ? m : input;
    }

    /**
     * Every (condition, prompt, sample) completion. Under a prefill-attack condition the prompt of each
     * sample is {@link Conditions#turnTwo} of its own turn 1 ({@code firstTurns}), and the row keeps
     * that turn 1 and the follow-up as {@link SampleRow#priorTurn}.
     */
    static List<SampleRow> generate(StageContext<EvalConfig> ctx, EvalConfig cfg, List<PromptItem> prompts,
            Checkpoint.Loaded loaded, Path modelDir, Map<PrefillAttack.Key, PriorTurn> firstTurns)
            throws java.io.IOException {
        ChatFormat chat = ChatFormats.forModel(modelDir, loaded.tokenizer(), cfg.chat());
        Tokenizer tok = loaded.tokenizer();
        Generator gen = new Generator(loaded.model(), chat);
        ctx.progress().log("chat format " + formatName(chat) + " (" + PromptSample.FILE
                + " shows each condition's first prompt); generation stops at token ids "
                + java.util.Arrays.toString(gen.stopIds()));
        SamplingSettings s = cfg.sampling();
        SamplingParams params = new SamplingParams(s.temperature(), s.topP(), s.topK(), s.maxNewTokens(), 0, true,
                cfg.batchSize());
        int k = cfg.samplesPerPrompt();
        List<Condition> conditions = cfg.evaluated();
        long total = (long) conditions.size() * prompts.size() * k;
        long done = 0;
        List<SampleRow> rows = new ArrayList<>();
        PromptSample shown = new PromptSample(formatName(chat));
        for (Condition c : conditions) {
            ChatFormat.Prefill prefill = c.cotPrefill() == null ? ChatFormat.Prefill.none()
                    : ChatFormat.Prefill.cot(c.cotPrefill());
            List<Generator.Request> reqs = new ArrayList<>();
            List<PromptItem> of = new ArrayList<>();
            List<Integer> index = new ArrayList<>();
            List<PriorTurn> priors = new ArrayList<>();
            for (PromptItem p : prompts) {
                int[] ids = c.prefillModel() == null ? chat.prompt(Conditions.apply(c, p.messages()), prefill).ids() : null;
                for (int i = 0; i < k; i++) {
                    PriorTurn prior = null;
                    if (c.prefillModel() != null) {
                        PriorTurn t1 = firstTurns.get(new PrefillAttack.Key(c.name(), p.id(), i));
                        Conversation conv = Conditions.turnTwo(c, p.messages(), t1.cot(), t1.output());
                        ids = chat.prompt(conv, prefill).ids();
                        prior = new PriorTurn(t1.model(), t1.cot(), t1.output(), Conditions.lastUser(conv));
                    }
                    if (of.isEmpty()) {
                        shown.add(c.name(), p.id(), tok.decode(ids), ids);
                    }
                    reqs.add(new Generator.Request(ids, chat.prefillText(prefill),
                            Conditions.sampleSeed(ctx.seed(), c.name(), p.id(), i)));
                    of.add(p);
                    index.add(i);
                    priors.add(prior);
                }
            }
            for (int from = 0; from < reqs.size(); from += cfg.batchSize()) {
                int to = Math.min(reqs.size(), from + cfg.batchSize());
                List<Sample> samples = gen.generateRequests(reqs.subList(from, to), params);
                for (int j = 0; j < samples.size(); j++) {
                    Sample smp = samples.get(j);
                    PromptItem p = of.get(from + j);
                    rows.add(row(c, p, index.get(from + j), reqs.get(from + j).seed(), smp, tok)
                            .withPriorTurn(priors.get(from + j)));
                }
                done += samples.size();
                ctx.progress().report(done, total, c.name());
            }
        }
        shown.write(ctx.outputDir().resolve(PromptSample.FILE));
        return rows;
    }

    /** The format's name as chat settings call it: template, chatml, plain. */
    static String formatName(ChatFormat f) {
        return f.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    static SampleRow row(Condition c, PromptItem p, int index, long seed, Sample s, Tokenizer tok) {
        SampleRow r = new SampleRow(c.name(), p.id(), p.family(), index, seed, p.answer(), c.cotPrefill(), s.cot(),
                s.output(), s.thinkClosed(), s.thinkCloses(), s.promptTokens(), 0, 0, s.newTokens(),
                s.stopReason() == Sample.StopReason.STOP ? "stop" : "length", Map.of(), Map.of());
        String written = r.writtenCot();
        return new SampleRow(r.condition(), r.promptId(), r.family(), r.sample(), r.seed(), r.answer(), r.cotPrefill(),
                r.cot(), r.output(), r.thinkClosed(), r.thinkCloses(), r.promptTokens(),
                written.isEmpty() ? 0 : tok.encode(written).length, s.output().isEmpty() ? 0 : tok.encode(s.output()).length,
                r.newTokens(), r.stopReason(), Map.of(), Map.of());
    }
}
