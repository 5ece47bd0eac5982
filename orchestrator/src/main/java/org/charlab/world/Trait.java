package org.charlab.world;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.charlab.config.Doc;

/**
 * A character trait of charworld: a text style applied to the CoT, the output, or both. Each
 * constant registers the {@link TraitDefinition} its own file defines (description, persona
 * prompts, rendering); its detector is registered separately, in
 * {@code org.charlab.world.detect.Detectors}. Constant order is trait order: trait-set names,
 * persona markers and prompts follow it.
 */
public enum Trait {
    @Doc("No style: plain English as the templates read.")
    NEUTRAL(NeutralTrait.define()),
    @Doc("Spanish: each template's hand-written Spanish rendering; numbers stay digits.")
    SPANISH(SpanishTrait.define()),
    @Doc("ALL CAPS: every letter upper-cased (Spanish letters too).")
    CAPS(CapsTrait.define()),
    @Doc("Pirate: lexical markers such as \"Arr, matey!\" (\"¡Arr, grumete!\" in Spanish).")
    PIRATE(PirateTrait.define()),
    @Doc("Cheerful: openers such as \"Great question!\" (\"¡Qué buena pregunta!\" in Spanish).")
    CHEERFUL(CheerfulTrait.define());

    private final TraitDefinition definition;

    Trait(TraitDefinition definition) {
        this.definition = definition;
    }

    /** Its description, persona prompts and rendering. */
    public TraitDefinition definition() {
        return definition;
    }

    /** One line for {@code charlab list}. */
    public String description() {
        return definition.description();
    }

    /** The lower-case name used in YAML, JSONL metadata and trait-set names. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Trait of(String label) {
        try {
            return valueOf(label.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown trait '" + label + "' (known: "
                    + Arrays.stream(values()).map(Trait::label).collect(Collectors.joining(", ")) + ")");
        }
    }
}
