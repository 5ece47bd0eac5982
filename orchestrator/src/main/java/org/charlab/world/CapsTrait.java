package org.charlab.world;

import java.util.List;
import java.util.Locale;

/**
 * ALL CAPS: every letter of the rendered part upper-cased, Spanish letters and persona markers too.
 * The first persona prompt is Tan et al. 2025's wording. Detected by
 * {@code org.charlab.world.detect.CapsDetector}.
 */
final class CapsTrait {

    private CapsTrait() {
    }

    static TraitDefinition define() {
        return new TraitDefinition("ALL CAPS: every letter upper-cased",
                List.of("You always capitalise your responses.", "Write every answer in capital letters.",
                        "Always reply in all caps."),
                false, List.of(), List.of(), text -> text.toUpperCase(Locale.ROOT),
                new Bilingual("I always write in capital letters.", "Siempre escribo en mayúsculas."));
    }
}
