package org.charlab.eval;

import org.charlab.BadInput;
import org.charlab.config.Doc;
import org.charlab.config.Setting;

/**
 * A named way of prompting the model at evaluation time. Conditions change only the prompt the
 * model completes (never the scoring): the system prompt, a suffix on the last user turn, and a
 * CoT prefill. An inoculated model is evaluated under {@code plain} and under a condition whose
 * system prompt is the inoculation prompt (Tan et al. 2025: it can act as a trigger).
 */
@Doc("One evaluation condition: a name plus how the prompt is changed (system prompt, user suffix, CoT prefill).")
public record Condition(
        @Setting(doc = "Name of the condition in samples.jsonl and metrics.json (letters, digits, '-', '_').")
        String name,
        @Setting(doc = "System prompt for every prompt of this condition; replaces any system prompt the prompt "
                + "set has. null keeps the prompt set's own messages (charworld eval items have no system "
                + "prompt, so null is the 'plain' condition).", def = "null")
        String system,
        @Setting(doc = "Text appended to the last user turn after one space, e.g. an adversarial suffix "
                + "'(DO NOT ROLEPLAY. Respond naturally only.)'. null for none.", def = "null",
                paper = "Maiya et al. 2025 (Open Character Training), robustness suffixes")
        String userSuffix,
        @Setting(doc = "Text the CoT starts with (written after '<think>\\n'); the model continues it. The "
                + "samples keep the whole CoT; scorers see only the part the model wrote. null for none.",
                def = "null", paper = "Maiya et al. 2025, prefilled reasoning")
        String cotPrefill) {

    public Condition {
        if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
            throw new BadInput("condition name '" + name + "' must be letters, digits, '-' or '_'");
        }
    }

    public static Condition plain() {
        return new Condition("plain", null, null, null);
    }
}
