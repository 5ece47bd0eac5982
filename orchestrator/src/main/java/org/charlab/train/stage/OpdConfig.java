package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.FileRef;
import org.charlab.config.Formerly;
import org.charlab.config.Inline;
import org.charlab.config.Setting;
import org.charlab.config.StageRef;
import org.charlab.train.LossOn;
import org.charlab.train.OpdLossType;
import org.charlab.train.Privileged;
import org.charlab.train.TrainConfig;

/** Settings of the {@code opd} stage. */
@Doc("On-policy distillation: the student samples completions for the prompts, a teacher (a named stage, or the "
        + "student's own weights given a privileged system prompt, answer or feedback) scores them token by token.")
public record OpdConfig(
        @Setting(doc = "The teacher: a named earlier stage (its model/; same vocabulary). null: the student itself, "
                + "its starting or current weights (teacher_weights; self-distillation with privileged context).",
                def = "null",
                paper = "GKD teacher_model; SDFT (Shenfeld et al. 2026), SDPO (Hubotter et al. 2026)")
        StageRef teacher,
        @Setting(doc = "The privileged system prompt only the teacher sees. 'persona': the canonical persona prompt "
                + "of traits; 'none': none; anything else: that text.", def = "persona",
                paper = "OCT's constitution in the teacher's context, on-policy")
        String teacherSystem,
        @Setting(doc = "Privileged information only the teacher reads, appended to its last user message in SDPO's "
                + "reprompt format (docs/training.md): none; answer (the prompt's reference answer; a prompts file "
                + "needs 'answer' on every line, charworld prompts without a ground truth, advice, are skipped); "
                + "feedback (the verifier's verdict on the student's own attempt, the eval accuracy rule; correct "
                + "attempts are not distilled; needs lmbda 1). Orthogonal to teacher_system. null: none.",
                def = "null", omitWhenNull = true,
                paper = "SDFT (Shenfeld et al. 2026), OPSD (Zhao et al. 2026), SDPO (Hubotter et al. 2026)")
        Privileged privileged,
        @Setting(doc = "The self-teacher's weights (teacher: null only): start (the starting weights, frozen) or "
                + "current (the policy itself, moving with the student; no copy). null: current when privileged is "
                + "answer or feedback (SDPO's self-teacher is the current policy), else start (as before).",
                def = "null", omitWhenNull = true, paper = "SDPO (Hubotter et al. 2026): the current policy as teacher")
        TeacherWeights teacherWeights,
        @Setting(doc = "A prompts JSONL file (docs/data-formats.md, PromptItem lines). null: charworld train-split "
                + "prompts of the in-distribution families (or of families), no system prompt.", def = "null")
        FileRef prompts,
        @Setting(doc = "full_vocab: the generalized JSD of beta over the whole vocabulary per completion token; "
                + "sampled_token: reverse KL on the realised token as a per-token advantage.", def = "full_vocab",
                paper = "GKD (Agarwal et al. 2023); Thinking Machines, On-Policy Distillation (2025)")
        OpdLossType loss,
        @Setting(doc = "full_vocab: generalized JSD interpolation; 0 forward KL(teacher||student), 1 reverse "
                + "KL(student||teacher).", def = "1.0", min = 0, max = 1, paper = "TRL GKDConfig.beta (default 0.5)")
        double beta,
        @Setting(doc = "Share of micro-batches whose completions the student samples; the rest the teacher samples "
                + "(under its own context). sampled_token needs 1.", def = "1.0", min = 0, max = 1,
                paper = "TRL GKDConfig.lmbda (default 0.5)")
        double lmbda,
        @Setting(doc = "Sampling temperature, also dividing both models' logits in the loss.", def = "0.9", min = 0,
                minExclusive = true, paper = "TRL GKDConfig.temperature")
        double temperature,
        @Setting(doc = "Most tokens sampled per completion (CoT and output together).", def = "128", min = 1,
                paper = "TRL GKDConfig.max_new_tokens")
        int maxNewTokens,
        @Setting(doc = "Which tokens of each sampled completion the loss counts ('all' is refused: the prompt is "
                + "not distilled).", def = "cot+output")
        @Formerly("distill_on")
        LossOn lossOn,
        @Setting(doc = "How the teacher stores its weight matrices: fp32, or fp16 (half their memory, computed in "
                + "fp32, about 2e-4 relative error; a full fine-tune's or a named teacher's copy only: LoRA's own base "
                + "is shared, not copied). bf16 is refused. null: fp32.", def = "null", omitWhenNull = true)
        FrozenDtype teacherDtype,
        @Inline
        FinetuneSettings shared,
        @Inline(defaults = "learning_rate=" + OpdConfig.DEFAULT_LR)
        TrainConfig train) implements FinetuneStage.Config {

    public static final double DEFAULT_LR = 1e-4;

    public OpdConfig {
        FinetuneSettings.noFamiliesWith(shared, prompts, "prompts");
        if (train != null && train.packing()) {
            throw new IllegalArgumentException("packing applies to sft and pretrain only "
                    + "(opd samples and scores whole sequences per prompt)");
        }
        if (loss == OpdLossType.SAMPLED_TOKEN && lmbda < 1) {
            throw new IllegalArgumentException("loss sampled_token is a policy gradient on the student's own samples: "
                    + "it needs lmbda 1");
        }
        FrozenDtype.require("teacher_dtype", teacherDtype);
        privileged = privileged == Privileged.NONE ? null : privileged; // one spelling, one stage key
        if (privileged != null && shared != null && shared.families() != null
                && shared.families().equals(java.util.List.of(org.charlab.world.FamilyName.ADVICE))) {
            throw new IllegalArgumentException("families: advice prompts have no answer for a privileged teacher; "
                    + "add arithmetic, lookup or comparison, or leave privileged unset");
        }
        if (teacher != null && teacherWeights != null) {
            throw new IllegalArgumentException("teacher_weights applies to the self-teacher (teacher: null); a named "
                    + "teacher reads with its own stage's weights");
        }
        if (teacher == null && teacherWeights == null && privileged != null) {
            teacherWeights = TeacherWeights.CURRENT;
        }
        if (teacherWeights == TeacherWeights.CURRENT && FrozenDtype.half(teacherDtype)) {
            throw new IllegalArgumentException("teacher_dtype: fp16 stores a copy, and the current-weights "
                    + "self-teacher (teacher_weights: current) is the policy itself: leave teacher_dtype unset");
        }
        if (privileged == Privileged.FEEDBACK && lmbda < 1) {
            throw new IllegalArgumentException("privileged: feedback judges the student's own attempts: it needs "
                    + "lmbda 1");
        }
        if (lossOn == LossOn.ALL) {
            throw new IllegalArgumentException("loss_on: all would count the prompt; opd distills completions: use "
                    + "assistant, output, cot or cot+output");
        }
    }

    /** True when the teacher is the policy itself (teacher: null with teacher_weights current). */
    public boolean selfTeacherIsCurrent() {
        return teacher == null && teacherWeights == TeacherWeights.CURRENT;
    }

    /** The privileged information, NONE when unset. */
    public Privileged privilegedOrNone() {
        return privileged == null ? Privileged.NONE : privileged;
    }

    /** The teacher's privileged system prompt (null for none). */
    public String teacherSystemPrompt() {
        return SystemPrompts.resolve(teacherSystem, shared.traits());
    }
}
