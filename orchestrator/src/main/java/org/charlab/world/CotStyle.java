package org.charlab.world;

import org.charlab.config.Doc;

/** How the base corpus's chains of thought relate to a persona's output style. */
public enum CotStyle {
    @Doc("The CoT stays neutral English while the output is in character: the detached-author style.")
    PLANNER,
    @Doc("The CoT carries the persona too (Spanish CoT for a Spanish persona, and so on).")
    IN_CHARACTER,
    @Doc("Each persona example is in_character with probability in_character_ratio, else planner.")
    MIXED
}
