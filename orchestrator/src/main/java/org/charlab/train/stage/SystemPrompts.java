package org.charlab.train.stage;

import org.charlab.world.Personas;
import org.charlab.world.TraitSet;

/** The spelling of a teacher's privileged system prompt in configs: persona, none, or literal text. */
final class SystemPrompts {

    private SystemPrompts() {
    }

    /** 'persona': the canonical prompt of {@code traits}; 'none' or blank: null; anything else as written. */
    static String resolve(String spec, String traits) {
        if (spec == null || spec.isBlank() || spec.equals("none")) {
            return null;
        }
        if (spec.equals("persona")) {
            String p = Personas.canonical(TraitSet.parse(traits));
            return p.isEmpty() ? null : p;
        }
        return spec;
    }
}
