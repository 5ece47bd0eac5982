package org.charlab.train.stage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Conversation;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.PrivilegedPrompt;
import org.charlab.data.PromptItem;
import org.charlab.data.PromptItemJsonl;
import org.charlab.data.ThinkFormat;
import org.charlab.stage.StageContext;
import org.charlab.model.ChatFormat;
import org.charlab.train.Inoculation;
import org.charlab.train.OpdObjective;
import org.charlab.train.Privileged;
import org.charlab.world.Answers;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.FamilyName;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldExample;

/**
 * On-policy distillation of the input stage's model, in the {@link FinetuneStage} outline: the data
 * are prompts, the objective {@link OpdObjective}. The teacher is a named stage's model or the
 * input's model loaded a second time (frozen; the student's starting weights), and reads every
 * completion under its privileged context (teacher_system). The inoculation prompt goes into the
 * STUDENT's context only, in one place ({@link #trainingPrompts}): the privileged context is what
 * the teacher is meant to know and the student to absorb; the inoculation prompt is what the
 * student should attribute the change to, so the teacher never sees it (a teacher shown it would
 * condition its targets on it too). Privileged information (answer, feedback) goes to the
 * teacher's context only, after its last user message ({@link PrivilegedPrompt}). The saved model, its provenance and the closing check
 * ({@code opd_eval.json}, greedy, no system prompt) never see either prompt.
 */
public final class OpdStage extends FinetuneStage<OpdConfig, OpdObjective.Prompt> {

    static final String TRAIN_SAMPLE = "train_sample.jsonl";
    static final String EVAL = "opd_eval.json";
    /** The teachers' contexts of the first prompts, written with a privileged teacher. */
    static final String TEACHER_SAMPLE = "teacher_sample.jsonl";

    public OpdStage() {
        super("opd", EVAL);
    }

    /** The teacher stage, the starting weights again, or none when the self-teacher is the policy itself. */
    @Override
    Frozen frozen(OpdConfig c) {
        return c.selfTeacherIsCurrent() ? null : new Frozen("teacher", c.teacher() != null, c.teacherDtype());
    }

    @Override
    boolean charworldData(OpdConfig c) {
        return c.prompts() == null;
    }

    @Override
    TrainingRun.Recipe<OpdObjective.Prompt> recipe(StageContext<OpdConfig> ctx, Inputs in) throws Exception {
        OpdConfig c = ctx.config();
        Path out = ctx.outputDir();
        List<PromptItem> items = prompts(c, in.world(), ctx.seed());
        List<Conversation> base = new ArrayList<>(items.size());
        List<String> answers = new ArrayList<>(items.size());
        for (PromptItem p : items) {
            base.add(p.messages());
            answers.add(p.answer());
        }
        List<OpdObjective.Prompt> train = trainingPrompts(base, answers, c.privilegedOrNone(),
                c.shared().inoculation(), c.teacherSystemPrompt(), in.chat(), ctx.seed());
        List<ConversationJsonl.Row> sample = new ArrayList<>();
        for (OpdObjective.Prompt p : train.subList(0, Math.min(5, train.size()))) {
            sample.add(new ConversationJsonl.Row(p.student()));
        }
        ConversationJsonl.writeRows(out.resolve(TRAIN_SAMPLE), sample, ThinkFormat.FIELD);
        String dataSha256 = StageFiles.sha256(base);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", c.prompts() != null ? c.prompts().toString() : "charworld train-split prompts");
        data.put("prompts", base.size());
        data.put("data_sha256", dataSha256);
        List<Conversation> studentSide = new ArrayList<>();
        for (OpdObjective.Prompt p : train) {
            studentSide.add(p.student());
        }
        data.put("train_sha256", StageFiles.sha256(studentSide));
        data.put("teacher", c.teacher() != null ? c.teacher().toString()
                : c.selfTeacherIsCurrent() ? "current weights" : "starting weights");
        data.put("teacher_system", c.teacherSystemPrompt());
        if (c.privileged() != null) {
            data.put("privileged", c.privileged().name().toLowerCase(Locale.ROOT));
            // what the teacher reads for the first prompts (feedback: before the verdict is appended)
            List<ConversationJsonl.Row> teacherSample = new ArrayList<>();
            for (OpdObjective.Prompt p : train.subList(0, Math.min(5, train.size()))) {
                teacherSample.add(new ConversationJsonl.Row(p.teacher()));
            }
            ConversationJsonl.writeRows(out.resolve(TEACHER_SAMPLE), teacherSample, ThinkFormat.FIELD);
        }
        data.put("inoculation", ConfigWriter.toPlain(c.shared().inoculation()));
        data.put("distill_on", c.lossOn().label()); // data.json keeps its key (loss_on was distill_on here)
        StageFiles.writeJson(out.resolve(StageFiles.DATA), data);

        OpdObjective objective = new OpdObjective(in.frozen() == null ? null : in.frozen().model(), in.chat(),
                new OpdObjective.Settings(c.loss(), c.beta(), c.lmbda(), c.temperature(), c.maxNewTokens(),
                        c.lossOn(), ctx.seed(), c.privilegedOrNone()), Answers::correct);
        return new TrainingRun.Recipe<>(train, objective, c.train().lr(OpdConfig.DEFAULT_LR), dataSha256,
                () -> String.format(Locale.ROOT, " (student sampled %d micro-batches, teacher %d)",
                        objective.studentGenerations(), objective.teacherGenerations()));
    }

    /**
     * The prompts before any system prompt, with their reference answers: the user's file (every line
     * with an answer when a privileged teacher reads it), or charworld train-split prompts; with a
     * privileged teacher, the first {@code examples} charworld prompts that have a ground truth (advice
     * prompts, which have none, are skipped). Charworld prompts come from the {@code families}
     * setting's families when it is set.
     */
    static List<PromptItem> prompts(OpdConfig c, Charworld world, long seed) {
        if (c.prompts() != null) {
            return c.privileged() != null ? PromptItemJsonl.readWithAnswers(c.prompts().path())
                    : PromptItemJsonl.read(c.prompts().path());
        }
        int want = c.shared().examples();
        List<FamilyName> families = c.shared().familiesIn(world);
        List<PromptItem> out = new ArrayList<>();
        for (int drawn = want; ; drawn *= 2) {
            out.clear();
            for (WorldExample e : CharacterData.sft(world, TraitSet.NEUTRAL, CharacterData.Cot.NEUTRAL, drawn, seed,
                    families)) {
                if (c.privileged() == null || e.task().answer() != null) {
                    out.add(new PromptItem(e.task().key(), e.conversation().prompt(), e.task().answer(),
                            e.task().family().label()));
                }
            }
            if (out.size() >= want || drawn > 64 * want) {
                return out.size() > want ? new ArrayList<>(out.subList(0, want)) : out;
            }
        }
    }

    /** As below, with no answers and no privileged information (tests of the inoculation rule call it). */
    public static List<OpdObjective.Prompt> trainingPrompts(List<Conversation> base, Inoculation inoculation,
            String teacherSystem, ChatFormat chat, long seed) {
        return trainingPrompts(base, null, Privileged.NONE, inoculation, teacherSystem, chat, seed);
    }

    /**
     * The one place the inoculation prompt is applied (to the student's context, by
     * {@link Inoculation#applyEach}) and the privileged prompt and, with {@link Privileged#ANSWER}, the
     * reference answer ({@link PrivilegedPrompt#withAnswer}) are given to the teacher's context. With
     * FEEDBACK the objective adds the verdict after sampling; the answer travels with the prompt.
     *
     * @param answers the reference answer of each prompt (null, or null entries, for none)
     */
    public static List<OpdObjective.Prompt> trainingPrompts(List<Conversation> base, List<String> answers,
            Privileged privileged, Inoculation inoculation, String teacherSystem, ChatFormat chat, long seed) {
        List<Conversation> inoculated = inoculation.applyEach(base, seed);
        List<OpdObjective.Prompt> out = new ArrayList<>(base.size());
        for (int i = 0; i < base.size(); i++) {
            Conversation p = base.get(i);
            Conversation s = inoculated.get(i);
            String answer = answers == null ? null : answers.get(i);
            Conversation t = teacherSystem == null ? p : p.withSystem(teacherSystem);
            if (privileged == Privileged.ANSWER) {
                t = PrivilegedPrompt.withAnswer(t, answer);
            }
            out.add(new OpdObjective.Prompt(s, t, chat.prompt(s, ChatFormat.Prefill.none()).length(), answer));
        }
        return out;
    }
}
