package org.charlab.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The names a setting had before it was renamed. The {@link Binder} refuses an old name with one
 * line naming the new one, instead of a bare "unknown key", so an experiment written for the old
 * name says how to fix it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Formerly {

    /** The old YAML keys (snake_case). */
    String[] value();
}
