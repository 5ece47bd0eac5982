package org.charlab.world;

import java.util.List;
import java.util.function.UnaryOperator;

/** Neutral: no style, plain English as the templates read, and no persona prompt. */
final class NeutralTrait {

    private NeutralTrait() {
    }

    static TraitDefinition define() {
        return new TraitDefinition("plain English, no persona", List.of(), false, List.of(), List.of(),
                UnaryOperator.identity(), new Bilingual("I speak plainly and keep my answers short.",
                        "Hablo con sencillez y doy respuestas cortas."));
    }
}
