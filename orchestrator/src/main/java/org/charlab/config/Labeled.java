package org.charlab.config;

/** An enum whose YAML spelling is not its lower-case name (e.g. {@code cot+output}). */
public interface Labeled {
    String label();
}
