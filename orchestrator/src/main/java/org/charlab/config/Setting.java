package org.charlab.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one declaration of a config field: put it on a record component. The loader validates
 * against it, {@code charlab explain} and {@code --help} print it, and docs/config-reference.md is
 * generated from it. The YAML key is the component name in snake_case.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Setting {

    /** Marks a field without a default: the user must set it. */
    String REQUIRED = "\u0000required";

    /** What the field means, its interactions, and when to change it. One or a few sentences. */
    String doc();

    /** The default as a YAML literal ({@code "0.1"}, {@code "[]"}, {@code "null"}, {@code "cosine"}). */
    String def() default REQUIRED;

    /** Smallest allowed value for numbers (sizes for lists and strings are not checked). */
    double min() default Double.NEGATIVE_INFINITY;

    /** Largest allowed value for numbers. */
    double max() default Double.POSITIVE_INFINITY;

    /** Whether {@link #min()} itself is excluded. */
    boolean minExclusive() default false;

    /** The paper or convention the field comes from, e.g. "Rafailov et al. 2023, eq. 7". */
    String paper() default "";

    /**
     * Leave the field out of serialised configs (resolved configs, stage keys) while it is null: for
     * a setting added after results were cached (def "null"), so configs that do not set it keep
     * their stage keys and cached stages.
     */
    boolean omitWhenNull() default false;
}
