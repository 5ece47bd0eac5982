package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.Setting;
import org.charlab.world.Trait;

/**
 * One reward function of the grpo stage and its weight: {@code {type: correctness}}, {@code {type:
 * length, target: 120}}, {@code {type: trait, trait: cheerful, weight: 0.5}}, {@code {type: judge,
 * trait: cheerful, part: cot}}. Fields a type does not read are refused when set.
 */
@Doc("One reward function, weighted into the sum r = sum_f weight_f r_f (over the functions that scored the "
        + "completion).")
public record RewardSpec(
        @Setting(doc = "correctness, format, length, trait or judge (docs/training.md, GRPO rewards).")
        RewardType type,
        @Setting(doc = "Its weight in the sum; negative penalises.", def = "1.0",
                paper = "TRL GRPOConfig.reward_weights")
        double weight,
        @Setting(doc = "trait: the charworld trait whose detector scores (caps, spanish, pirate, cheerful, neutral); "
                + "judge: a trait name of the stage's judge.traits. Other types: unset.", def = "null")
        String trait,
        @Setting(doc = "trait and judge: output or cot (null: output); length: completion, cot or output "
                + "(null: completion). Other types: unset.", def = "null")
        RewardPart part,
        @Setting(doc = "length: the target length in tokens (required). Other types: unset.", def = "null", min = 1)
        Integer target,
        @Setting(doc = "format: also require the output's words to be charworld's (quality.well_formed); "
                + "meaningless for a model that does not speak charworld.", def = "false")
        boolean words) {

    public RewardSpec {
        String t = type == null ? "?" : type.name().toLowerCase(java.util.Locale.ROOT);
        switch (type) {
            case CORRECTNESS -> unset(t, trait, part, target, words);
            case FORMAT -> unset(t, trait, part, target, false);
            case LENGTH -> {
                unset(t, trait, null, null, words);
                if (target == null) {
                    throw new IllegalArgumentException("a length reward needs target (tokens)");
                }
            }
            case TRAIT, JUDGE -> {
                unset(t, null, part == RewardPart.COMPLETION ? part : null, target, words);
                if (trait == null || trait.isBlank()) {
                    throw new IllegalArgumentException("a " + t + " reward needs trait ("
                            + (type == RewardType.TRAIT ? "a charworld trait" : "a name in judge.traits") + ")");
                }
                if (type == RewardType.TRAIT) {
                    Trait.of(trait); // unknown trait: one line naming the known ones
                }
            }
            default -> throw new IllegalStateException(t);
        }
    }

    private static void unset(String type, String trait, RewardPart part, Integer target, boolean words) {
        String set = trait != null ? "trait" : part != null ? "part" : target != null ? "target" : words ? "words" : null;
        if (set != null) {
            throw new IllegalArgumentException("a " + type + " reward takes no " + set
                    + (set.equals("part") ? " " + part.name().toLowerCase(java.util.Locale.ROOT) : ""));
        }
    }

    /** The part read: the one set, else output (trait, judge) or completion (length). */
    public RewardPart partOrDefault() {
        return part != null ? part : defaultPart();
    }

    private RewardPart defaultPart() {
        return type == RewardType.LENGTH ? RewardPart.COMPLETION : RewardPart.OUTPUT;
    }

    /** The name in metrics.jsonl (rewards/&lt;name&gt;/mean) before de-duplication: type, trait, a non-default part. */
    public String baseName() {
        String n = type.name().toLowerCase(java.util.Locale.ROOT);
        if (trait != null) {
            n += "_" + trait;
        }
        if (part != null && part != defaultPart()) {
            n += "_" + part.name().toLowerCase(java.util.Locale.ROOT);
        }
        return n;
    }
}
