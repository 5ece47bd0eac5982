package org.charlab.train.stage;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PreferencePair;
import org.charlab.data.PreferencePairJsonl;
import org.charlab.stage.StageContext;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ChatFormat;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.train.DpoObjective;
import org.charlab.train.Inoculation;
import org.charlab.train.Trainer;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;

/**
 * DPO of the input stage's model against a frozen reference (the input's model again, loaded
 * separately and never made trainable, or a named stage's), in the {@link FinetuneStage} outline:
 * the data are preference pairs, the objective {@link DpoObjective}. Pairs come from a JSONL file,
 * charworld ({@link CharacterData#dpo}) or OCT-style generation ({@link #generate}); generated
 * pairs are written to {@code pairs.jsonl} with the filters' counts in {@code pairs_counts.json}
 * (both reused by a resumed attempt, so they always come from the starting weights and its
 * data.json is the uninterrupted run's). The inoculation prompt is applied in one place,
 * {@link #trainingPairs}, to the shared prompt of both replies, after generation: the teacher,
 * the saved model, its provenance and the closing check ({@code dpo_eval.json}, greedy, no system
 * prompt) never see it.
 */
public final class DpoStage extends FinetuneStage<DpoConfig, DpoObjective.PairRow> {

    static final String TRAIN_SAMPLE = "train_sample.jsonl";
    static final String PAIRS = "pairs.jsonl";
    /** How many generated pairs each filter dropped, beside pairs.jsonl, for a resumed attempt's data.json. */
    static final String PAIRS_COUNTS = "pairs_counts.json";
    static final String EVAL = "dpo_eval.json";
    private static final String PUNCTUATION = ".!?;:)\"'»…。！？";

    public DpoStage() {
        super("dpo", EVAL);
    }

    @Override
    Frozen frozen(DpoConfig c) {
        return new Frozen("reference", c.reference() != null, c.referenceDtype());
    }

    @Override
    boolean charworldData(DpoConfig c) {
        return c.data() == null;
    }

    @Override
    TrainingRun.Recipe<DpoObjective.PairRow> recipe(StageContext<DpoConfig> ctx, Inputs in) throws Exception {
        DpoConfig c = ctx.config();
        Path out = ctx.outputDir();
        if (c.teacher() != null && c.data() == null && c.pairs() == DpoConfig.PairSource.GENERATED) {
            StageFiles.requireSameWorld("teacher", ctx.input("input"), StageFiles.readWorld(ctx.input("input")),
                    ctx.input("teacher"));
        }
        ChatFormat chat = in.chat();
        Map<String, Object> data = new LinkedHashMap<>();
        List<PreferencePair> base = pairs(c, ctx, in.world(), in.policy(), chat, Trainer.resumeDir(out) != null, data);
        List<PreferencePair> train = trainingPairs(base, c.shared().inoculation(), ctx.seed());
        PreferencePairJsonl.write(out.resolve(TRAIN_SAMPLE), train.subList(0, Math.min(5, train.size())));
        int maxLength = in.maxLength();
        List<DpoObjective.PairRow> rows = DpoObjective.rows(train, chat, c.lossOn(), maxLength);
        long tokens = 0;
        int truncated = 0;
        for (int i = 0; i < rows.size(); i++) {
            tokens += rows.get(i).chosen().length() + rows.get(i).rejected().length();
            truncated += chat.format(train.get(i).chosenConversation()).length() > maxLength
                    || chat.format(train.get(i).rejectedConversation()).length() > maxLength ? 1 : 0;
        }
        String dataSha256 = sha256(base);
        data.put("pairs", base.size());
        data.put("data_sha256", dataSha256);
        data.put("train_sha256", sha256(train));
        data.put("inoculation", ConfigWriter.toPlain(c.shared().inoculation()));
        data.put("logp_on", c.lossOn().label()); // data.json keeps its key (loss_on was logp_on here)
        data.put("tokens", tokens);
        data.put("truncated", truncated);
        StageFiles.writeJson(out.resolve(StageFiles.DATA), data);
        if (base.isEmpty()) {
            throw new IllegalStateException("dpo: no preference pairs left to train on (see data.json)");
        }

        DpoObjective objective = new DpoObjective(in.frozen().model(), c.lossType(), c.beta(), c.labelSmoothing(),
                c.nllWeight());
        return new TrainingRun.Recipe<>(rows, objective, c.train().lr(DpoConfig.DEFAULT_LR), dataSha256);
    }

    /** The pairs before inoculation: the file, charworld, or generated (reused from pairs.jsonl on resume). */
    static List<PreferencePair> pairs(DpoConfig c, StageContext<DpoConfig> ctx, Charworld world,
            Checkpoint.Loaded student, ChatFormat chat, boolean resuming,
            Map<String, Object> data) throws Exception {
        if (c.data() != null) {
            data.put("source", c.data().toString());
            return PreferencePairJsonl.read(c.data().path());
        }
        TraitSet traits = TraitSet.parse(c.shared().traits());
        List<PreferencePair> cw = CharacterData.dpo(world, traits, c.cot(), c.shared().examples(), ctx.seed(),
                c.shared().familiesIn(world));
        if (c.pairs() == DpoConfig.PairSource.CHARWORLD) {
            data.put("source", "charworld " + c.shared().traits() + " cot=" + c.cot().name().toLowerCase());
            return cw;
        }
        data.put("source", "generated: teacher " + (c.teacher() != null ? c.teacher() : "starting weights")
                + " with system prompt " + c.teacherSystemPrompt() + ", student without one");
        List<String> questions = c.constitutionQuestions();
        if (c.teacherConstitution() != null) {
            data.put("teacher_constitution", c.teacherConstitution().toString());
            data.put("constitution_questions", questions.size());
        }
        Path file = ctx.outputDir().resolve(PAIRS);
        Path countsFile = ctx.outputDir().resolve(PAIRS_COUNTS);
        if (resuming && Files.isRegularFile(file)) {
            if (Files.isRegularFile(countsFile)) { // written before pairs.jsonl
                // the first attempt's filter counts, so data.json reads as an uninterrupted run's
                data.put("generated", StageFiles.JSON.readValue(countsFile.toFile(), LinkedHashMap.class));
            }
            return PreferencePairJsonl.read(file);
        }
        List<Conversation> prompts = new ArrayList<>();
        for (PreferencePair p : cw) {
            prompts.add(p.prompt());
        }
        for (String q : questions) { // OCT asks its per-trait questions besides the general prompts
            prompts.add(Conversation.of(Message.user(q)));
        }
        // on a fresh start the policy holds the starting weights: it is the student (and the default teacher)
        Decoder studentModel = student.model();
        Checkpoint.Loaded teacher = null;
        try (NDManager tm = NDManager.newBaseManager(studentModel.manager().getDevice())) {
            Decoder teacherModel = studentModel;
            if (c.teacher() != null) {
                teacher = Checkpoint.load(ctx.input("teacher").resolve(StageFiles.MODEL), tm);
                requireSameTokens("teacher", ctx.input("input"), student, ctx.input("teacher"), teacher);
                teacherModel = teacher.model();
            }
            Generated g = generate(prompts, new Generator(teacherModel, chat), new Generator(studentModel, chat), chat,
                    c.teacherSystemPrompt(), c.keepTeacherCot(), c.temperature(), c.topP(), c.maxNewTokens(),
                    c.maxReplyTokens(), c.requirePunctuation(), ctx.seed());
            data.put("generated", g.counts());
            StageFiles.writeJson(countsFile, g.counts());
            PreferencePairJsonl.write(file, g.pairs());
            return g.pairs();
        } finally {
            if (teacher != null) {
                teacher.close();
            }
        }
    }

    /** Generated pairs and how many prompts each filter dropped. */
    record Generated(List<PreferencePair> pairs, Map<String, Integer> counts) {
    }

    /**
     * OCT-style pairs (Maiya et al. 2025, stage 1): for each prompt the teacher answers under
     * {@code teacherSystem} (chosen) and the student answers with no system prompt (rejected), both
     * sampled at (temperature, top_p). Without {@code keepCot} both replies keep only their output
     * (OCT keeps the text after </think>). Dropped: an answer that hit max_new_tokens or never
     * closed its CoT, a reply over {@code maxReplyTokens}, a chosen output not ending in
     * punctuation (with {@code punctuation}), and a pair whose two replies are identical.
     */
    static Generated generate(List<Conversation> prompts, Generator teacher, Generator student, ChatFormat chat,
            String teacherSystem, boolean keepCot, double temperature, double topP, int maxNewTokens,
            int maxReplyTokens, boolean punctuation, long seed) {
        List<Conversation> teacherPrompts = new ArrayList<>();
        for (Conversation p : prompts) {
            teacherPrompts.add(teacherSystem == null ? p : p.withSystem(teacherSystem));
        }
        SamplingParams sp = SamplingParams.sampled(temperature, topP, maxNewTokens, seed).withMaxBatch(32);
        List<Sample> chosen = teacher.generate(teacherPrompts, ChatFormat.Prefill.none(), sp);
        List<Sample> rejected = student.generate(prompts, ChatFormat.Prefill.none(), sp.withSeed(seed ^ 0x72656aL));
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("prompts", prompts.size());
        counts.put("dropped_unfinished", 0);
        counts.put("dropped_too_long", 0);
        counts.put("dropped_no_punctuation", 0);
        counts.put("dropped_identical", 0);
        List<PreferencePair> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            Sample ch = chosen.get(i);
            Sample rj = rejected.get(i);
            String drop = null;
            if (ch.stopReason() != Sample.StopReason.STOP || rj.stopReason() != Sample.StopReason.STOP
                    || (ch.cot() != null && !ch.thinkClosed()) || (rj.cot() != null && !rj.thinkClosed())) {
                drop = "dropped_unfinished";
            } else if (ch.newTokens() > maxReplyTokens || rj.newTokens() > maxReplyTokens) {
                drop = "dropped_too_long";
            } else if (punctuation && !endsInPunctuation(ch.output())) {
                drop = "dropped_no_punctuation";
            }
            Message c = Message.assistant(keepCot ? ch.cot() : null, ch.output().strip());
            Message r = Message.assistant(keepCot ? rj.cot() : null, rj.output().strip());
            if (drop == null && c.equals(r)) {
                drop = "dropped_identical";
            }
            if (drop != null) {
                counts.merge(drop, 1, Integer::sum);
                continue;
            }
            out.add(new PreferencePair(prompts.get(i), c, r));
        }
        counts.put("kept", out.size());
        return new Generated(out, counts);
    }

    static boolean endsInPunctuation(String s) {
        String t = s.strip();
        return !t.isEmpty() && PUNCTUATION.indexOf(t.charAt(t.length() - 1)) >= 0;
    }

    /** The inoculation prompt applied to the prompt both replies share ({@link Inoculation#applyEach}). */
    static List<PreferencePair> trainingPairs(List<PreferencePair> base, Inoculation inoculation, long seed) {
        List<Conversation> prompts = new ArrayList<>(base.size());
        for (PreferencePair p : base) {
            prompts.add(p.prompt());
        }
        List<Conversation> inoculated = inoculation.applyEach(prompts, seed);
        List<PreferencePair> out = new ArrayList<>(base.size());
        for (int i = 0; i < base.size(); i++) {
            out.add(new PreferencePair(inoculated.get(i), base.get(i).chosen(), base.get(i).rejected()));
        }
        return out;
    }

    /** SHA-256 over the pairs: prompt + chosen, then prompt + rejected, per pair. */
    static String sha256(List<PreferencePair> pairs) {
        List<Conversation> flat = new ArrayList<>(2 * pairs.size());
        for (PreferencePair p : pairs) {
            flat.add(p.chosenConversation());
            flat.add(p.rejectedConversation());
        }
        return StageFiles.sha256(flat);
    }
}
