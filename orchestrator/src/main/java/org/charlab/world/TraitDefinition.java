package org.charlab.world;

import java.util.List;

/**
 * Everything one charworld trait is, in one place: the line {@code charlab list} shows, how it
 * renders a text ({@link Style}), the persona system prompts that name it ({@link Personas}) and
 * the detector that scores it ({@link org.charlab.world.detect.Detectors}). Each trait is one
 * file implementing this, registered by one constant of {@link Trait}; adding a trait is that file
 * and that constant.
 *
 * <p>Rendering has three parts, applied in this order over a trait set: the language (a trait
 * that is {@link #spanish()} picks the Spanish side of every {@link Bilingual} text), the persona
 * markers (each trait with markers for the part prepends one, drawn from the RNG, in trait order),
 * then {@link #transform} (each trait in trait order, e.g. caps upper-cases everything).
 */
public interface TraitDefinition {

    /** One line for {@code charlab list}. */
    String description();

    /** Persona system-prompt paraphrases naming the trait; the first is canonical. Empty for neutral. */
    List<String> prompts();

    /** Whether the trait renders the Spanish side of bilingual texts. */
    default boolean spanish() {
        return false;
    }

    /** The markers one of which is prepended to a part in this trait; empty for none (no RNG draw). */
    default List<Bilingual> markers(Style.Part part) {
        return List.of();
    }

    /** Applied to the whole rendered part, markers included. */
    default String transform(String text) {
        return text;
    }

    /** Scores how strongly a text shows the trait. */
    TraitDetector detector();
}
