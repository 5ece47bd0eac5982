package org.charlab.world;

import java.util.List;

/**
 * A lexical persona: it prepends a short interjection to the CoT and an opener to the output (one
 * drawn per part from its markers, in the chosen language), and is detected by its marker phrases
 * ({@link MarkerDetector}).
 */
final class MarkerPersona {

    private MarkerPersona() {
    }

    static TraitDefinition define(Trait self, String description, List<String> prompts, List<Bilingual> cotMarkers,
            List<Bilingual> outputMarkers, List<String> detectedPhrases) {
        return new TraitDefinition(description, prompts, false, cotMarkers, outputMarkers, text -> text,
                new MarkerDetector(self, detectedPhrases));
    }
}
