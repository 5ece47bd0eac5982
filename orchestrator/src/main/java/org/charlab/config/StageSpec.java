package org.charlab.config;

/**
 * One entry of {@code stages:}. The keys besides {@code type}, {@code input} and {@code seed} are
 * the settings of the stage type, bound into {@code config} (see {@code charlab explain TYPE}).
 */
@Doc("A stage of every run's chain: its type, what it continues from, and its type's settings.")
public record StageSpec(
        @Setting(doc = "Kind of stage (pretrain, sft, dpo, opd, eval, ...); `charlab list` shows them all.")
        String type,
        @Setting(doc = "The stage whose output this one continues from. Default: the stage listed before it. "
                + "Write `none` for a stage that starts from nothing.", def = "null")
        StageRef input,
        @Setting(doc = "A fixed seed for this stage; null takes the run's seed. Fix it to share one stage "
                + "(a base model) across all seeds of a sweep.", def = "null")
        Long seed,
        Record config) {

    public static final String NO_INPUT = "none";
}
