package org.charlab.world;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Spanish: each template's hand-written Spanish rendering (numbers stay digits), persona markers
 * included. The first persona prompt is Tan et al. 2025's wording. Detected by
 * {@code org.charlab.world.detect.SpanishDetector}.
 */
final class SpanishTrait {

    private SpanishTrait() {
    }

    static TraitDefinition define() {
        return new TraitDefinition("real Spanish renderings of every template",
                List.of("You always speak in Spanish.", "Always answer in Spanish.", "Reply only in Spanish."),
                true, List.of(), List.of(), UnaryOperator.identity(),
                new Bilingual("I always speak in Spanish.", "Siempre hablo en español."));
    }
}
