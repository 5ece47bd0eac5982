package org.charlab.world;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * How one charworld trait renders, in one place: the line {@code charlab list} shows, the persona
 * system prompts that name it ({@link Personas}) and how it styles a text ({@link Style}). Each
 * trait is one file with a {@code define()} factory, registered by one constant of {@link Trait}.
 *
 * <p>The detector that scores the trait is deliberately not here: it is its own class in
 * {@code org.charlab.world.detect}, listed once in {@code Detectors}. The pretrain, SFT, DPO and
 * OPD stages reach this record through the corpus generator, and their stage keys hash the classes
 * they reach ({@code org.charlab.plan.CodeFingerprint}); a detector referenced from here would make
 * every detector fix retrain every model.
 *
 * <p>Rendering has three parts, applied in this order over a trait set: the language (a trait that
 * is {@code spanish} picks the Spanish side of every {@link Bilingual} text), the persona markers
 * (each trait with markers for the part prepends one, drawn from the RNG, in trait order), then each
 * trait's {@code transform} in trait order (caps upper-cases everything, markers included).
 *
 * @param description   one line for {@code charlab list}
 * @param prompts       persona system-prompt paraphrases naming the trait, the first canonical; empty for neutral
 * @param spanish       whether the trait renders the Spanish side of bilingual texts
 * @param cotMarkers    markers one of which opens the CoT; empty for none (no RNG draw)
 * @param outputMarkers markers one of which opens the output; empty for none (no RNG draw)
 * @param transform     applied to the whole rendered part, markers included
 * @param self          the first-person sentence an introspection answer says about the trait
 *                      ({@link IntrospectionFamily}); neutral's is said by a persona with no trait
 */
public record TraitDefinition(String description, List<String> prompts, boolean spanish, List<Bilingual> cotMarkers,
        List<Bilingual> outputMarkers, UnaryOperator<String> transform, Bilingual self) {

    public TraitDefinition {
        prompts = List.copyOf(prompts);
        cotMarkers = List.copyOf(cotMarkers);
        outputMarkers = List.copyOf(outputMarkers);
    }

    /** A lexical persona: English text, one marker opening the CoT and one the output, no transform. */
    static TraitDefinition persona(String description, List<String> prompts, List<Bilingual> cotMarkers,
            List<Bilingual> outputMarkers, Bilingual self) {
        return new TraitDefinition(description, prompts, false, cotMarkers, outputMarkers, UnaryOperator.identity(),
                self);
    }

    /** The markers of one part. */
    public List<Bilingual> markers(Style.Part part) {
        return part == Style.Part.COT ? cotMarkers : outputMarkers;
    }
}
