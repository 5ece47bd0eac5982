package org.charlab.train.stage;

import java.util.List;
import org.charlab.config.Doc;
import org.charlab.config.FileRef;
import org.charlab.config.Inline;
import org.charlab.config.Setting;
import org.charlab.eval.judge.JudgeSettings;
import org.charlab.train.GrpoLossType;
import org.charlab.train.ScaleRewards;
import org.charlab.train.TrainConfig;

/** Settings of the {@code grpo} stage (TRL GRPOConfig's names and, where charlab has no reason to differ, defaults). */
@Doc("Group relative policy optimisation: the policy samples num_generations completions per prompt, the rewards "
        + "score them, group-normalised advantages weight a clipped policy-ratio objective with an optional KL "
        + "penalty to the starting weights (docs/training.md, GRPO).")
public record GrpoConfig(
        @Setting(doc = "A prompts JSONL file (docs/data-formats.md, PromptItem lines; an answer field feeds the "
                + "correctness reward). null: charworld train-split prompts of the in-distribution families (or of families) "
                + "with their answers, no system prompt.", def = "null")
        FileRef prompts,
        @Setting(doc = "The reward functions, summed with their weights: [{type, weight, trait, part, target, words}] "
                + "(the rewards[] fields; docs/training.md, GRPO rewards). A completion no function scored gets "
                + "advantage 0.", def = "[{type: correctness}]", paper = "TRL GRPOTrainer reward_funcs, "
                + "GRPOConfig.reward_weights")
        List<RewardSpec> rewards,
        @Setting(doc = "The LLM judge that judge rewards call (the eval's judge settings; its api_key_env is read "
                + "when the stage runs). Required by a judge reward, else unused; parts and threshold are not read (each judge "
                + "reward names its part and uses the score itself).", def = "null", omitWhenNull = true)
        JudgeSettings judge,
        @Setting(doc = "Completions sampled per prompt (the group G). batch_size counts prompts, so a micro-batch "
                + "holds batch_size x num_generations completions.", def = "8", min = 2,
                paper = "TRL GRPOConfig.num_generations; Shao et al. 2024 (G = 64)")
        int numGenerations,
        @Setting(doc = "Sampling temperature; the log-probabilities in the ratio and the KL are of logits divided "
                + "by it, as TRL.", def = "1.0", min = 0, minExclusive = true,
                paper = "TRL GRPOConfig.temperature")
        double temperature,
        @Setting(doc = "Most tokens sampled per completion (CoT and output together); Dr. GRPO's divisor. TRL's "
                + "default is 512; 256 holds charworld's answers (the closing check uses 200).", def = "256", min = 1,
                paper = "TRL GRPOConfig.max_completion_length")
        int maxCompletionLength,
        @Setting(doc = "Weight of the KL penalty (k3 estimator) to the reference, the starting weights (LoRA: the "
                + "same weights with the adapters off). 0 loads no reference.", def = "0.0", min = 0,
                paper = "TRL GRPOConfig.beta; Shao et al. 2024 eq. 3-4 (0.04)")
        double beta,
        @Setting(doc = "Clip range of the policy ratio: [1 - epsilon, 1 + epsilon_high]. Binds only when "
                + "num_iterations > 1.", def = "0.2", min = 0, max = 1, paper = "TRL GRPOConfig.epsilon; Schulman "
                + "et al. 2017 (PPO)")
        double epsilon,
        @Setting(doc = "Upper clip bound; null: epsilon. DAPO's clip-higher uses 0.28.", def = "null", min = 0,
                omitWhenNull = true, paper = "TRL GRPOConfig.epsilon_high; Yu et al. 2025 (DAPO)")
        Double epsilonHigh,
        @Setting(doc = "Optimizer steps on each generation (mu): the same prompts and completions for this many "
                + "steps, the ratio against the policy that sampled them. Checkpoints fall at the end of a cycle "
                + "(every lcm(checkpoint_every, num_iterations) steps); an epoch takes this many times the steps.",
                def = "1", min = 1, paper = "TRL GRPOConfig.num_iterations; Shao et al. 2024 Algorithm 1 (mu)")
        int numIterations,
        @Setting(doc = "grpo (per-completion token mean, then the mean: Shao et al. 2024 eq. 3), bnpo (token mean "
                + "over the micro-batch) or dr_grpo (divided by completions x max_completion_length: Liu et al. "
                + "2025). TRL's default dapo is bnpo over the whole accumulated batch: the same with "
                + "gradient_accumulation_steps 1.", def = "bnpo", paper = "TRL GRPOConfig.loss_type")
        GrpoLossType lossType,
        @Setting(doc = "Divide the group-centred reward by the group's std (group), the micro-batch's (batch) or "
                + "nothing (none, Dr. GRPO).", def = "group", paper = "TRL GRPOConfig.scale_rewards; Liu et al. 2025")
        ScaleRewards scaleRewards,
        @Setting(doc = "How the reference stores its weight matrices: fp32, or fp16 (half their memory, computed in "
                + "fp32, about 2e-4 relative error; a full fine-tune's copy only: LoRA's own base is shared). bf16 is "
                + "refused. null: fp32.", def = "null", omitWhenNull = true)
        FrozenDtype referenceDtype,
        @Inline
        FinetuneSettings shared,
        @Inline(defaults = "learning_rate=" + GrpoConfig.DEFAULT_LR)
        TrainConfig train) implements FinetuneStage.Config {

    /** TRL's 1e-6 is for billion-parameter models; charlab's tiny ones move at dpo's and opd's rate. */
    public static final double DEFAULT_LR = 1e-4;

    public GrpoConfig {
        FinetuneSettings.noFamiliesWith(shared, prompts, "prompts");
        rewards = List.copyOf(rewards);
        if (rewards.isEmpty()) {
            throw new IllegalArgumentException("rewards: give at least one reward function (e.g. [{type: correctness}])");
        }
        if (train != null && train.packing()) {
            throw new IllegalArgumentException("packing applies to sft and pretrain only "
                    + "(grpo samples and scores whole completions per prompt)");
        }
        FrozenDtype.require("reference_dtype", referenceDtype);
        for (int i = 0; i < rewards.size(); i++) {
            RewardSpec r = rewards.get(i);
            if (r.type() != RewardType.JUDGE) {
                continue;
            }
            if (judge == null) {
                throw new IllegalArgumentException("rewards[" + i + "]: a judge reward needs the stage's judge settings "
                        + "(judge: {base_url, model, traits: {" + r.trait() + ": '... {text} ...'}})");
            }
            if (!judge.traits().containsKey(r.trait())) {
                throw new IllegalArgumentException("rewards[" + i + "]: judge trait '" + r.trait() + "' is not in "
                        + "judge.traits " + new java.util.TreeSet<>(judge.traits().keySet()));
            }
        }
    }

    /** The upper clip bound: epsilon_high, else epsilon. */
    public double epsilonUpper() {
        return epsilonHigh != null ? epsilonHigh : epsilon;
    }
}
