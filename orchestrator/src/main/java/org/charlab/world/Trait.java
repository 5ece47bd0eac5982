package org.charlab.world;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.charlab.config.Doc;

/**
 * The registry of charworld's character traits: each constant names one trait and holds its
 * {@link TraitDefinition} (renderer, persona prompts, detector), built by the one file that defines
 * it from the constant itself.
 * Constant order is trait order: trait-set names, persona markers and prompts follow it.
 */
public enum Trait {
    @Doc("No style: plain English as the templates read.")
    NEUTRAL(NeutralTrait::new),
    @Doc("Spanish: each template's hand-written Spanish rendering; numbers stay digits.")
    SPANISH(SpanishTrait::new),
    @Doc("ALL CAPS: every letter upper-cased (Spanish letters too).")
    CAPS(CapsTrait::new),
    @Doc("Pirate: lexical markers such as \"Arr, matey!\" (\"¡Arr, grumete!\" in Spanish).")
    PIRATE(PirateTrait::new),
    @Doc("Cheerful: openers such as \"Great question!\" (\"¡Qué buena pregunta!\" in Spanish).")
    CHEERFUL(CheerfulTrait::new);

    private final TraitDefinition definition;

    Trait(Function<Trait, TraitDefinition> define) {
        this.definition = define.apply(this);
    }

    /** Its renderer, persona prompts and detector. */
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
