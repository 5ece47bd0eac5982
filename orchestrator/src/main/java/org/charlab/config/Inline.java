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
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Inline {
}
