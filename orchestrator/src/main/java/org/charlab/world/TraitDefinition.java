package org.charlab.world;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Everything one charworld trait is, in one place: the line {@code charlab list} shows, how it
 * renders a text ({@link Style}), the persona system prompts that name it ({@link Personas}) and
 * the detector that scores it ({@link org.charlab.world.detect.Detectors}). Each trait is one file
 * with a {@code define(Trait)} factory, registered by one constant of {@link Trait}; adding a trait
 * is that file and that constant.
 *
 * <p>Rendering has three parts, applied in this order over a trait set: the language (a trait
 * that is {@code spanish} picks the Spanish side of every {@link Bilingual} text), the persona
 * markers (each trait with markers for the part prepends one, drawn from the RNG, in trait order),
 * then each trait's {@code transform} in trait order (caps upper-cases everything).
 *
 * @param description   one line for {@code charlab list}
 * @param prompts       persona system-prompt paraphrases naming the trait, the first canonical; empty for neutral
 * @param spanish       whether the trait renders the Spanish side of bilingual texts
 * @param cotMarkers    markers one of which opens the CoT; empty for none (no RNG draw)
 * @param outputMarkers markers one of which opens the output; empty for none (no RNG draw)
 * @param transform     applied to the whole rendered part, markers included
 * @param detector      scores how strongly a text shows the trait
 */
public record TraitDefinition(String description, List<String> prompts, boolean spanish, List<Bilingual> cotMarkers,
        List<Bilingual> outputMarkers, UnaryOperator<String> transform, TraitDetector detector) {

    public TraitDefinition {
        prompts = List.copyOf(prompts);
        cotMarkers = List.copyOf(cotMarkers);
        outputMarkers = List.copyOf(outputMarkers);
    }

    /** The markers of one part. */
    public List<Bilingual> markers(Style.Part part) {
        return part == Style.Part.COT ? cotMarkers : outputMarkers;
    }
}
