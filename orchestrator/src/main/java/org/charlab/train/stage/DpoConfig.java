package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.data.Constitution;
import org.charlab.config.FileRef;
import org.charlab.config.Formerly;
import org.charlab.config.Inline;
import org.charlab.config.Setting;
import org.charlab.config.StageRef;
import org.charlab.train.DpoLossType;
import org.charlab.train.LossOn;
import org.charlab.train.TrainConfig;
import org.charlab.world.CharacterData;

/** Settings of the {@code dpo} stage. */
@Doc("Direct preference optimisation against a frozen reference, on a pair file, charworld pairs or OCT-style "
        + "generated pairs (teacher with a persona prompt vs the student's default answer).")
public record DpoConfig(
        @Setting(doc = "The frozen reference model: a named earlier stage (its model/). null: the stage's input "
                + "(the policy's starting weights, TRL's default).", def = "null",
                paper = "Rafailov et al. 2023 (pi_ref); TRL DPOTrainer ref_model")
        StageRef reference,
        @Setting(doc = "Strength of the KL constraint to the reference (the implicit reward scale).", def = "0.1",
                min = 0, minExclusive = true, paper = "TRL DPOConfig.beta; Rafailov et al. 2023 eq. 7; OCT uses 0.1")
        double beta,
        @Setting(doc = "The preference loss: sigmoid (DPO), ipo or hinge (SLiC).", def = "sigmoid",
                paper = "TRL DPOConfig.loss_type")
        DpoLossType lossType,
        @Setting(doc = "Conservative DPO: the probability eps that a pair's label is flipped; sigmoid loss only.",
                def = "0.0", min = 0, max = 0.5, paper = "TRL DPOConfig.label_smoothing (cDPO, Mitchell 2023)")
        double labelSmoothing,
        @Setting(doc = "Weight of an extra masked mean NLL on the chosen replies (0: none).", def = "0.0", min = 0,
                paper = "TRL DPOConfig.rpo_alpha; OCT adds NLL on chosen with coefficient 0.1")
        double nllWeight,
        @Setting(doc = "Which tokens of the reply count in its sequence log-probability (last assistant message "
                + "only; 'all' is refused).", def = "assistant")
        @Formerly("logp_on")
        LossOn lossOn,
        @Setting(doc = "Where the pairs come from when data is null: charworld (CharacterData.dpo: chosen in the "
                + "traits, rejected neutral) or generated (OCT: chosen = the teacher's answer under teacher_system, "
                + "rejected = the student's own answer with no system prompt).", def = "charworld")
        PairSource pairs,
        @Setting(doc = "A preference-pair JSONL file (docs/data-formats.md); overrides pairs.", def = "null")
        FileRef data,
        @Setting(doc = "charworld pairs: the CoT of both replies.", def = "neutral")
        CharacterData.Cot cot,
        @Setting(doc = "generated pairs: the teacher. null: the student's starting weights (self-distillation "
                + "with the persona prompt, as OCT prompts its teacher with the constitution).", def = "null",
                paper = "OCT (Maiya et al. 2025) stage 1")
        StageRef teacher,
        @Setting(doc = "generated pairs: the teacher's system prompt. 'persona': the canonical persona prompt of "
                + "traits; 'none': no system prompt; anything else: that text.", def = "persona")
        String teacherSystem,
        @Setting(doc = "generated pairs: a constitution file in OCT's shape (a list of {trait: \"I ...\", questions: "
                + "[...]}, YAML or JSON; docs/training.md) whose trait assertions are the teacher's system prompt "
                + "and whose questions are asked besides the charworld prompts. teacher_system then wraps it: "
                + "'persona' (default) uses the assertions alone, a text containing {constitution} puts them there. "
                + "Its content hash is in the stage key. null: teacher_system alone.", def = "null",
                omitWhenNull = true, paper = "OCT (Maiya et al. 2025) stage 1: the constitution in the teacher's "
                + "system prompt, 50 synthetic questions per trait")
        FileRef teacherConstitution,
        @Setting(doc = "generated pairs: keep the teacher's CoT in the chosen reply. OCT strips it (keeps the text "
                + "after </think>); the student's rejected reply is treated the same way, so the pair differs in "
                + "the answer and not in whether it has a CoT.", def = "false", paper = "OCT strips the CoT")
        boolean keepTeacherCot,
        @Setting(doc = "generated pairs: sampling temperature of teacher and student.", def = "0.7", min = 0,
                paper = "OCT uses 0.7")
        double temperature,
        @Setting(doc = "generated pairs: nucleus sampling.", def = "0.95", min = 0, max = 1, minExclusive = true,
                paper = "OCT uses top_p 0.95")
        double topP,
        @Setting(doc = "generated pairs: most new tokens per answer; an answer that hits it is dropped.",
                def = "200", min = 8)
        int maxNewTokens,
        @Setting(doc = "generated pairs: drop a pair whose chosen or rejected reply is longer than this many "
                + "tokens.", def = "1024", min = 1, paper = "OCT drops responses over 1024 tokens")
        int maxReplyTokens,
        @Setting(doc = "generated pairs: drop a pair whose chosen output does not end in punctuation (. ! ? and "
                + "the like).", def = "true", paper = "OCT's pair filter")
        boolean requirePunctuation,
        @Setting(doc = "How the reference stores its weight matrices: fp32, or fp16 (half their memory, computed "
                + "in fp32, about 2e-4 relative error; a full fine-tune's or a named reference's copy only: LoRA's "
                + "own base is shared, not copied). bf16 is refused. null: fp32.", def = "null", omitWhenNull = true)
        FrozenDtype referenceDtype,
        @Inline
        FinetuneSettings shared,
        @Inline(defaults = "learning_rate=" + DpoConfig.DEFAULT_LR)
        TrainConfig train) implements FinetuneStage.Config {

    public static final double DEFAULT_LR = 1e-4;

    /** Where preference pairs come from. */
    public enum PairSource {
        @Doc("CharacterData.dpo: chosen carries the traits, rejected is the neutral answer.")
        CHARWORLD,
        @Doc("OCT-style: chosen = the teacher's answer under teacher_system, rejected = the student's own.")
        GENERATED
    }

    public DpoConfig {
        FinetuneSettings.noFamiliesWith(shared, data, "data");
        if (train != null && train.packing()) {
            throw new IllegalArgumentException("packing applies to sft and pretrain only "
                    + "(dpo compares whole sequences per pair)");
        }
        if (lossOn == LossOn.ALL) {
            throw new IllegalArgumentException("loss_on: all would count the prompt; use assistant, output, cot or "
                    + "cot+output");
        }
        FrozenDtype.require("reference_dtype", referenceDtype);
        if (labelSmoothing > 0 && lossType != DpoLossType.SIGMOID) {
            throw new IllegalArgumentException("label_smoothing applies to loss_type sigmoid only");
        }
        if (teacherConstitution != null) {
            if (pairs != PairSource.GENERATED) {
                throw new IllegalArgumentException("teacher_constitution applies to pairs: generated (the teacher "
                        + "answers under it); set pairs: generated or leave it out");
            }
            if (teacherSystem == null || !(teacherSystem.equals("persona") || teacherSystem.contains(CONSTITUTION))) {
                throw new IllegalArgumentException("with teacher_constitution, teacher_system must be 'persona' (the "
                        + "constitution alone) or a text containing " + CONSTITUTION + ", is '" + teacherSystem + "'");
            }
        }
    }

    /** Where teacher_system places the constitution's assertions. */
    public static final String CONSTITUTION = "{constitution}";

    /** The teacher's system prompt (null for none): from teacher_system, and the constitution when set. */
    public String teacherSystemPrompt() {
        if (teacherConstitution != null) {
            String c = Constitution.read(teacherConstitution.path()).systemPrompt();
            return teacherSystem.equals("persona") ? c : teacherSystem.replace(CONSTITUTION, c);
        }
        return SystemPrompts.resolve(teacherSystem, shared.traits());
    }

    /** The constitution's questions, asked besides the charworld prompts; empty without one. */
    public java.util.List<String> constitutionQuestions() {
        return teacherConstitution == null ? java.util.List.of()
                : Constitution.read(teacherConstitution.path()).questions();
    }
}
