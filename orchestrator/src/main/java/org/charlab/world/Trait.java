package org.charlab.world;

import java.util.Locale;
import org.charlab.config.Doc;

/** A character trait of charworld: a text style applied to the CoT, the output, or both. */
public enum Trait {
    @Doc("No style: plain English as the templates read.")
    NEUTRAL("plain English, no persona"),
    @Doc("Spanish: each template's hand-written Spanish rendering; numbers stay digits.")
    SPANISH("real Spanish renderings of every template"),
    @Doc("ALL CAPS: every letter upper-cased (Spanish letters too).")
    CAPS("ALL CAPS: every letter upper-cased"),
    @Doc("Pirate: lexical markers such as \"Arr, matey!\" (\"¡Arr, grumete!\" in Spanish).")
    PIRATE("lexical persona: 'Arr, matey!' / '¡Arr, grumete!'"),
    @Doc("Cheerful: openers such as \"Great question!\" (\"¡Qué buena pregunta!\" in Spanish).")
    CHEERFUL("lexical persona: 'Great question!' / '¡Qué buena pregunta!'");

    private final String description;

    Trait(String description) {
        this.description = description;
    }

    /** One line for {@code charlab list}. */
    public String description() {
        return description;
    }

    /** The lower-case name used in YAML, JSONL metadata and trait-set names. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Trait of(String label) {
        try {
            return valueOf(label.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown trait '" + label + "' (known: neutral, caps, spanish, pirate, cheerful)");
        }
    }
}
