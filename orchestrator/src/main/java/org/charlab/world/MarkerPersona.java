package org.charlab.world;

import java.util.List;

/**
 * A lexical persona: it prepends a short interjection to the CoT and an opener to the output (one
 * drawn per part from its markers, in the chosen language), and is detected by its marker phrases
 * ({@link MarkerDetector}).
 */
class MarkerPersona implements TraitDefinition {

    private final String description;
    private final List<String> prompts;
    private final List<Bilingual> cotMarkers;
    private final List<Bilingual> outputMarkers;
    private final TraitDetector detector;

    MarkerPersona(Trait self, String description, List<String> prompts, List<Bilingual> cotMarkers,
            List<Bilingual> outputMarkers, List<String> detectedPhrases) {
        this.description = description;
        this.prompts = List.copyOf(prompts);
        this.cotMarkers = List.copyOf(cotMarkers);
        this.outputMarkers = List.copyOf(outputMarkers);
        this.detector = new MarkerDetector(self, detectedPhrases);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<String> prompts() {
        return prompts;
    }

    @Override
    public List<Bilingual> markers(Style.Part part) {
        return part == Style.Part.COT ? cotMarkers : outputMarkers;
    }

    @Override
    public TraitDetector detector() {
        return detector;
    }
}
