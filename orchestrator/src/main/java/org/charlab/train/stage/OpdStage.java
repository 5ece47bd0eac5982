package org.charlab.train.stage;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Conversation;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.PromptItem;
import org.charlab.data.PromptItemJsonl;
import org.charlab.data.ThinkFormat;
import org.charlab.exec.Stage;
import org.charlab.exec.StageContext;
import org.charlab.model.ChatFormat;
import org.charlab.model.Checkpoint;
import org.charlab.model.Engines;
import org.charlab.model.TokenizerIdentity;
import org.charlab.train.Inoculation;
import org.charlab.train.OpdObjective;
import org.charlab.train.Trainer;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;

/**
 * On-policy distillation of the input stage's model. The teacher is a named stage's model or the
 * input's model loaded a second time (frozen; the student's starting weights), and reads every
 * completion under its privileged context (teacher_system). The inoculation prompt goes into the
 * STUDENT's context only, in one place ({@link #trainingPrompts}): the privileged context is what
 * the teacher is meant to know and the student to absorb; the inoculation prompt is what the
 * student should attribute the change to, so the teacher never sees it (a teacher shown it would
 * condition its targets on it too). The saved model, its provenance and the closing check
 * ({@code opd_eval.json}, greedy, no system prompt) never see either prompt.
 */
public final class OpdStage implements Stage<OpdConfig> {

    static final String TRAIN_SAMPLE = "train_sample.jsonl";
    static final String EVAL = "opd_eval.json";
    private static final long INOCULATION_SALT = 0x696e6f63L;

    @Override
    public void run(StageContext<OpdConfig> ctx) throws Exception {
        OpdConfig c = ctx.config();
        Path out = ctx.outputDir();
        Path input = ctx.input("input");
        Device device = Engines.configure(ctx.runtime(), 1, ctx.seed());
        WorldConfig inputWorld = StageFiles.readWorld(input);
        WorldConfig worldConfig = inputWorld != null ? inputWorld : WorldConfig.defaults();
        Charworld world = new Charworld(worldConfig);

        try (NDManager manager = NDManager.newBaseManager(device)) {
            // weights first (student, then the frozen teacher), then the trainer
            Checkpoint.Loaded student = Checkpoint.load(Trainer.startingWeights(out, input.resolve(StageFiles.MODEL)),
                    manager);
            Path teacherDir = c.teacher() != null ? ctx.input("teacher") : input;
            StageFiles.requireSameWorld("teacher", input, inputWorld, teacherDir);
            Checkpoint.Loaded teacher = Checkpoint.load(teacherDir.resolve(StageFiles.MODEL), manager);
            DpoStage.sameVocabulary(student.model(), teacher.model(), "teacher");
            TokenizerIdentity.requireSame("teacher", input.resolve(StageFiles.MODEL), student.tokenizer(),
                    teacherDir.resolve(StageFiles.MODEL), teacher.tokenizer());
            ChatFormat chat = new ChatFormat(student.tokenizer());

            List<Conversation> base = prompts(c, world, ctx.seed());
            List<OpdObjective.Prompt> train = trainingPrompts(base, c.inoculation(), c.teacherSystemPrompt(), chat,
                    ctx.seed());
            List<ConversationJsonl.Row> sample = new ArrayList<>();
            for (OpdObjective.Prompt p : train.subList(0, Math.min(5, train.size()))) {
                sample.add(new ConversationJsonl.Row(p.student()));
            }
            ConversationJsonl.writeRows(out.resolve(TRAIN_SAMPLE), sample, ThinkFormat.FIELD);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("source", c.prompts() != null ? c.prompts().toString() : "charworld train-split prompts");
            data.put("prompts", base.size());
            data.put("data_sha256", StageFiles.sha256(base));
            List<Conversation> studentSide = new ArrayList<>();
            for (OpdObjective.Prompt p : train) {
                studentSide.add(p.student());
            }
            data.put("train_sha256", StageFiles.sha256(studentSide));
            data.put("teacher", c.teacher() != null ? c.teacher().toString() : "starting weights");
            data.put("teacher_system", c.teacherSystemPrompt());
            data.put("inoculation", ConfigWriter.toPlain(c.inoculation()));
            data.put("distill_on", c.distillOn().label());
            StageFiles.writeJson(out.resolve(StageFiles.DATA), data);

            OpdObjective objective = new OpdObjective(teacher.model(), chat, new OpdObjective.Settings(c.loss(), c.beta(),
                    c.lmbda(), c.temperature(), c.maxNewTokens(), c.distillOn(), ctx.seed()));
            Trainer<OpdObjective.Prompt> trainer = new Trainer<>(c.train(), c.train().lr(OpdConfig.DEFAULT_LR),
                    objective, student.model(), student.tokenizer(), out, ctx.seed(), ctx.progress());
            Trainer.Result r = trainer.train(train);
            Map<String, Object> prov = new LinkedHashMap<>();
            prov.put("stage", "opd");
            prov.put("seed", ctx.seed());
            prov.put("steps", r.steps());
            prov.put("data_sha256", data.get("data_sha256"));
            StageFiles.recordWorld(prov, out, StageFiles.trainedWorld(inputWorld, c.prompts() == null));
            Checkpoint.save(out.resolve(StageFiles.MODEL), student.model(), student.tokenizer(), prov);
            ctx.progress().log(String.format(java.util.Locale.ROOT, "opd: %d steps in %.1f s, loss %.4f (student sampled "
                    + "%d micro-batches, teacher %d)", r.steps(), r.seconds(), r.lastLoss(),
                    objective.studentGenerations(), objective.teacherGenerations()));
            teacher.close();

            QuickEval.closingCheck(out, EVAL, student.model(), chat, world, c.evalPrompts(), c.evalMaxNewTokens(), r.steps(),
                    ctx.progress());
            Trainer.finish(out);
            student.close();
        }
    }

    /** The prompts before any system prompt: the user's file or charworld train-split prompts. */
    static List<Conversation> prompts(OpdConfig c, Charworld world, long seed) {
        List<Conversation> out = new ArrayList<>();
        if (c.prompts() != null) {
            for (PromptItem p : PromptItemJsonl.read(c.prompts().path())) {
                out.add(p.messages());
            }
            return out;
        }
        for (WorldExample e : CharacterData.sft(world, TraitSet.NEUTRAL, CharacterData.Cot.NEUTRAL, c.examples(), seed)) {
            out.add(e.conversation().prompt());
        }
        return out;
    }

    /**
     * The one place the inoculation prompt is applied (to the student's context; example i draws
     * from its own RNG) and the privileged prompt is given to the teacher's context.
     */
    public static List<OpdObjective.Prompt> trainingPrompts(List<Conversation> base, Inoculation inoculation,
            String teacherSystem, ChatFormat chat, long seed) {
        List<OpdObjective.Prompt> out = new ArrayList<>(base.size());
        for (int i = 0; i < base.size(); i++) {
            SplittableRandom rng = new SplittableRandom(seed ^ (INOCULATION_SALT * (i + 1L)));
            Conversation p = base.get(i);
            Conversation s = inoculation.apply(p, rng);
            Conversation t = teacherSystem == null ? p : p.withSystem(teacherSystem);
            out.add(new OpdObjective.Prompt(s, t, chat.prompt(s, ChatFormat.Prefill.none()).length()));
        }
        return out;
    }
}
