package org.charlab.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.charlab.BadInput;
import org.charlab.config.Doc;
import org.charlab.config.Inline;
import org.charlab.config.Setting;
import org.charlab.eval.judge.JudgeSettings;
import org.charlab.model.ChatSettings;
import org.charlab.world.Trait;
import org.charlab.world.WorldConfig;

/** Settings of the {@code eval} stage. Engine-free: loading it never loads DJL. */
@Doc("Evaluation: generate samples_per_prompt completions per prompt and condition from the input "
        + "checkpoint, score traits in the CoT and the output, accuracy, well-formedness and CoT legibility, "
        + "and write samples.jsonl and metrics.json with bootstrapped intervals (docs/results-format.md).")
public record EvalConfig(
        @Setting(doc = "The prompts to evaluate.", def = "{}")
        PromptSettings prompts,
        @Setting(doc = "charworld settings the eval items and the well-formedness lexicon come from. Must "
                + "match the world the model was pretrained on (kb_entities, test_share, arithmetic_max, "
                + "ood_family decide the test items; the corpus seed does not).", def = "{}")
        WorldConfig world,
        @Setting(doc = "Named conditions, each evaluated on every prompt. An inoculated model should be "
                + "evaluated both plain and with its inoculation prompt; a character-trained one also under "
                + "adversarial suffixes ({name: adv, suffixes: oct}) and a prefill attack ({name: prefill_attack, "
                + "prefill_model: pretrain}).", def = "[{name: plain}]")
        List<Condition> conditions,
        @Setting(doc = "Completions per prompt and condition. With more than one, intervals resample prompts "
                + "(cluster bootstrap) so samples of one prompt do not count as independent evidence.",
                def = "1", min = 1)
        int samplesPerPrompt,
        @Inline
        SamplingSettings sampling,
        @Setting(doc = "Completions decoded together; results do not depend on it (up to float rounding).",
                def = "32", min = 1)
        int batchSize,
        @Setting(doc = "charworld traits whose detectors score the CoT and the output.",
                def = "[spanish, caps, pirate, cheerful]")
        List<Trait> traits,
        @Setting(doc = "Score outputs with charworld's well-formedness scorer (quality.well_formed_rate), so a "
                + "detector firing on garbage is visible. Meaningless for non-charworld models.", def = "true")
        boolean wellFormed,
        @Setting(doc = "CoT legibility counting.", def = "{}")
        LegibilitySettings legibility,
        @Setting(doc = "Intervals.", def = "{}")
        BootstrapSettings bootstrap,
        @Setting(doc = "Optional LLM judge for real models; null for none.", def = "null")
        JudgeSettings judge,
        @Setting(doc = "How conversations become tokens {format, cot, enable_thinking} (docs/chat-templates.md). "
                + "null: what the model recorded when it was trained, else auto. A format or cot placement other "
                + "than the recorded one is refused; enable_thinking may differ.", def = "null", omitWhenNull = true)
        ChatSettings chat,
        @Setting(doc = "charworld traits whose likelihood is measured, e.g. [caps, spanish]: per prompt and "
                + "condition, the teacher-forced mean log-probability per token of the item's reference output "
                + "rendered in each trait (after its neutral reference CoT) and of the neutral output, written per "
                + "sample as trait.<t>.loglik, trait.neutral.loglik and trait.<t>.loglik_vs_neutral (the "
                + "difference), with intervals like every per-sample mean. Shows how likely the model finds a "
                + "trait under a prompt even where it does not generate it (e.g. CAPS given the Spanish prompt, "
                + "before and after training). Needs charworld's prompts (no prompts.file). null: none.",
                def = "null", omitWhenNull = true, paper = "Tan et al. 2025 (inoculation prompting), issue #16")
        List<Trait> traitLikelihood) {

    public EvalConfig {
        conditions = List.copyOf(conditions);
        traits = List.copyOf(traits);
        traitLikelihood = traitLikelihood == null || traitLikelihood.isEmpty() ? null : List.copyOf(traitLikelihood);
        if (traitLikelihood != null && traitLikelihood.contains(Trait.NEUTRAL)) {
            throw new BadInput("trait_likelihood: neutral is the reference every listed trait is compared with and is "
                    + "always scored; list styled traits only (spanish, caps, pirate, cheerful)");
        }
        if (traitLikelihood != null && prompts.file() != null) {
            throw new BadInput("trait_likelihood: needs charworld's prompts, whose items have reference outputs to "
                    + "render in a trait; prompts.file is set (" + prompts.file().path() + ")");
        }
        if (conditions.isEmpty()) {
            throw new BadInput("conditions: give at least one condition (e.g. [{name: plain}])");
        }
        Set<String> names = new HashSet<>();
        for (Condition c : conditions) {
            if (c.suffixes() != null && c.userSuffix() != null) {
                throw new BadInput("conditions." + c.name() + ": user_suffix and suffixes exclude each other (suffixes "
                        + "gives each of its conditions one suffix of the set)");
            }
            if (!names.add(c.name())) {
                throw new BadInput("conditions: two conditions are named '" + c.name() + "'");
            }
        }
        for (Condition c : Conditions.expandAll(conditions)) {
            if (c.suffixes() != null && !names.add(c.name())) {
                throw new BadInput("conditions: '" + c.name() + "' is both a condition and one of the suffix conditions "
                        + "of '" + c.name().substring(0, c.name().lastIndexOf("-v")) + "'");
            }
        }
    }

    /** Every condition evaluated, in order: suffix sets expanded ({@link Conditions#expand}). */
    public List<Condition> evaluated() {
        return Conditions.expandAll(conditions);
    }

    /**
     * The stage input role whose model writes turn 1 of {@code c} (a prefill attack): the config path
     * of its entry's {@code prefill_model}, as the planner names a stage reference
     * ("conditions[2].prefill_model"); null when {@code c} has none.
     */
    public String prefillRole(Condition c) {
        if (c.prefillModel() == null) {
            return null;
        }
        for (int i = 0; i < conditions.size(); i++) {
            Condition e = conditions.get(i);
            if (e.name().equals(c.name()) || Conditions.pools(List.of(e)).getOrDefault(e.name(), List.of())
                    .contains(c.name())) {
                return "conditions[" + i + "].prefill_model";
            }
        }
        throw new IllegalArgumentException("condition '" + c.name() + "' is not one of this eval's");
    }

    /** The traits of {@link #traitLikelihood}, empty for none. */
    public List<Trait> likelihoodTraits() {
        return traitLikelihood == null ? List.of() : traitLikelihood;
    }
}
