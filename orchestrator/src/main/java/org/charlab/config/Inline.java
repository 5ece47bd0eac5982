package org.charlab.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a nested record's settings at the level of the enclosing record, so a group of fields can
 * be declared once and shared (every training stage's {@code learning_rate}, {@code batch_size},
 * ...) while users write them flat: {@code stages.sft.learning_rate}, not
 * {@code stages.sft.train.learning_rate}. Use instead of {@link Setting} on a record component.
 * The config reference renders such a group once, with the stage types that inline it and the
 * defaults they change (as TRL's {@code SFTConfig} notes the {@code TrainingArguments} defaults it
 * overrides).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Inline {

    /**
     * What this record makes of group settings whose declared default is {@code null} ("the stage
     * type's default"), as {@code key=YAML literal}, e.g. {@code "learning_rate=" + DEFAULT_LR}.
     * The binder still binds an unset key to null, so resolved configs and stage keys show what
     * the user wrote; the stage resolves null to this value, and {@code charlab explain} and the
     * reference show it per stage type. Only keys of the group whose default is null are allowed.
     */
    String[] defaults() default {};
}
