package org.charlab.world;

import java.util.Locale;
import org.charlab.config.Doc;

/** The task families of charworld. */
public enum FamilyName {
    @Doc("Arithmetic word problems (a + b, a - b, results under 100); the CoT shows the working, "
            + "the answer is the number. Test items use operand pairs never seen in training.")
    ARITHMETIC("word problems a + b, a - b; CoT shows the working; scored on the number"),
    @Doc("Questions about a synthetic knowledge base of invented people (town, favourite colour, pet); "
            + "the CoT recalls the fact. Facts are stated in profile conversations; test items ask "
            + "(person, attribute) questions never asked in training.")
    LOOKUP("knowledge-base questions; CoT recalls the fact; scored on the value"),
    @Doc("Open advice and opinion prompts; the CoT plans the reply; no ground truth. Test items use "
            + "a held-out phrasing of each topic.")
    ADVICE("advice and opinion prompts; CoT plans the reply; not scored"),
    @Doc("Which of two numbers is bigger; the CoT compares them. Reserved by default as the "
            + "out-of-distribution family: in the base corpus, never in character-training data.")
    COMPARISON("which of two numbers is bigger; CoT compares; scored on the number"),
    @Doc("Introspection prompts (describe yourself, your values, a diary entry, your character, your goals; "
            + "OCT's self-reflection at toy scale); the output describes the current persona in its style; no "
            + "ground truth. In the corpus and eval sets only with world.introspection_share > 0. Test items use "
            + "a held-out phrasing of each topic.")
    INTROSPECTION("self-descriptions in the current persona (with introspection_share > 0); not scored");

    private final String description;

    FamilyName(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FamilyName of(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
