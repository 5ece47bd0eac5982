package org.charlab.world;

import java.util.List;
import org.charlab.BadInput;
import org.charlab.config.Binder;
import org.charlab.config.Doc;
import org.charlab.config.Node;
import org.charlab.config.Setting;
import org.charlab.config.Source;

/** The generator's settings; a pretrain stage embeds it as its {@code world} section. */
@Doc("charworld, the embedded synthetic world: task families, traits, persona system prompts and "
        + "the CoT style of the base corpus a tiny model is pretrained on.")
public record WorldConfig(
        @Setting(doc = "Conversations in the generated base corpus.", def = "20000", min = 1)
        int examples,
        @Setting(doc = "Seed of the corpus sampler. Same config and seed give a byte-identical corpus. "
                + "The train/test split and the knowledge base do not depend on it.", def = "1")
        long seed,
        @Setting(doc = "Relative weight of arithmetic word problems in the corpus.", def = "0.35", min = 0)
        double arithmeticWeight,
        @Setting(doc = "Relative weight of knowledge-base lookups (questions and profiles).", def = "0.35", min = 0)
        double lookupWeight,
        @Setting(doc = "Relative weight of advice and opinion prompts.", def = "0.15", min = 0)
        double adviceWeight,
        @Setting(doc = "Relative weight of number comparisons.", def = "0.15", min = 0)
        double comparisonWeight,
        @Setting(doc = "Share of lookup examples that are profiles stating a person's facts (test facts "
                + "included) rather than questions; the facts a model can recall come from here.",
                def = "0.5", min = 0, max = 1)
        double lookupFactShare,
        @Setting(doc = "Share of examples with a persona system prompt naming traits; the output follows it.",
                def = "0.5", min = 0, max = 1)
        double personaShare,
        @Setting(doc = "Share of examples with a placebo system prompt naming no trait; the output stays "
                + "neutral. persona_share + placebo_share <= 1; the rest has no system prompt.",
                def = "0.1", min = 0, max = 1)
        double placeboShare,
        @Setting(doc = "Traits persona prompts draw from (not neutral).", def = "[spanish, caps, pirate, cheerful]")
        List<Trait> traits,
        @Setting(doc = "Most traits one persona prompt composes (2 gives spanish+caps as in Tan et al. 2025). "
                + "A persona draws its size uniformly from 1..this, then a composition of that size.",
                def = "2", min = 1, max = 4)
        int maxTraitsPerPersona,
        @Setting(doc = "CoT of persona examples: planner (neutral CoT, styled output), in_character "
                + "(CoT styled too) or mixed (in_character with probability in_character_ratio).",
                def = "mixed")
        CotStyle cotStyle,
        @Setting(doc = "With cot_style mixed: probability that a persona example's CoT is in character.",
                def = "0.5", min = 0, max = 1)
        double inCharacterRatio,
        @Setting(doc = "Family held out of character-training data and evaluated as out of distribution; "
                + "it stays in the base corpus so the base model can do it.", def = "comparison")
        FamilyName oodFamily,
        @Setting(doc = "Largest arithmetic operand (operands from 2; sums stay under 100).", def = "30", min = 4, max = 97)
        int arithmeticMax,
        @Setting(doc = "People in the synthetic knowledge base (3 facts each). Evaluation sets must use the "
                + "same value as the corpus the model learned.", def = "40", min = 4, max = 500)
        int kbEntities,
        @Setting(doc = "Share of arithmetic, lookup and comparison items held out for test (advice holds out "
                + "one phrasing of three per topic).", def = "0.2", min = 0.01, max = 0.9)
        double testShare,
        @Setting(doc = "Share of conversations with 2 or 3 user/assistant turns; each later turn follows up on the "
                + "task before it (\"Tell me more.\": the answer again) or asks a new one, and the persona of the "
                + "system prompt holds in every turn. They average about 380 text bytes (single turns about 170, "
                + "the longest about 800): with the byte tokenizer mind max_length. null (0): single-turn only.",
                def = "null", min = 0, max = 1, omitWhenNull = true)
        Double multiTurnShare,
        @Setting(doc = "Share of conversations that ask an introspection prompt (describe yourself, your values, a "
                + "diary entry, ...): the answer describes the persona of the system prompt in its style, or is a "
                + "neutral self-description without one; eval sets then include the family's test items. "
                + "null (0): none.", def = "null", min = 0, max = 1, omitWhenNull = true,
                paper = "OCT (Maiya et al. 2025) self-reflection prompts")
        Double introspectionShare,
        @Setting(doc = "Share of conversations whose last user turn ends with one of OCT's instructions to break "
                + "character (\"(DO NOT ROLEPLAY. Respond naturally only.)\"; BreakCharacter.SUFFIXES, v3 and v7 "
                + "held out for test): the answer to it is neutral even under a persona system prompt, so a "
                + "system-prompted base breaks character. null (0): none.", def = "null", min = 0, max = 1,
                omitWhenNull = true, paper = "OCT (Maiya et al. 2025) section 3.2, eight adversarial suffixes")
        Double breakCharacterShare,
        @Setting(doc = "Share of conversations whose last user turn carries the reference answer in SDPO's reprompt "
                + "format, half as \"Correct solution:\" with the answer, half as verifier feedback (\"Your answer is "
                + "incorrect. The correct answer is Y.\"), each followed by \"Correctly solve the original question.\" "
                + "(PrivilegedPrompt). The reply is the usual one (same CoT and output, whose answer is that answer). "
                + "Only tasks with a checkable answer get one (arithmetic, lookup questions, comparison; never advice, "
                + "profiles or introspection), and never a turn that ends with a break-character instruction. It teaches "
                + "the base to read a hint, as an LLM reads one, so an opd self-teacher with privileged: answer or "
                + "feedback uses it. null (0): none.", def = "null", min = 0, max = 1, omitWhenNull = true,
                paper = "SDPO (Hubotter et al. 2026) reprompt_template")
        Double privilegedShare,
        @Setting(doc = "Share of conversations whose last reply's CoT is written in another style than its family's "
                + "working (CotVariant), half each: terse (the last sentence only: the result without the working) or "
                + "hesitant (\"Hmm, \" before the working, \"Wait, let me check: <last sentence>\" after it; the eval's "
                + "default filler words). The answer is unchanged. Every CoT of an item is otherwise one template, so "
                + "an RL stage sampling a group of completions gets the same CoT in each and has nothing in it to "
                + "select; this gives the base a distribution over CoT styles. null (0): none.", def = "null", min = 0,
                max = 1, omitWhenNull = true)
        Double cotVarietyShare) {

    public WorldConfig {
        traits = List.copyOf(traits);
        // 0 is the same corpus as unset: stored as null so the stage key stays that of a config without it
        multiTurnShare = zeroAsNull(multiTurnShare);
        introspectionShare = zeroAsNull(introspectionShare);
        breakCharacterShare = zeroAsNull(breakCharacterShare);
        privilegedShare = zeroAsNull(privilegedShare);
        cotVarietyShare = zeroAsNull(cotVarietyShare);
        if (traits.contains(Trait.NEUTRAL)) {
            throw new BadInput("world.traits: neutral is not a persona trait; leave it out");
        }
        if (traits.isEmpty() && personaShare > 0) {
            throw new BadInput("world.traits is empty but world.persona_share is " + personaShare);
        }
        if (personaShare + placeboShare > 1 + 1e-9) {
            throw new BadInput("world.persona_share + world.placebo_share must be <= 1, is " + (personaShare + placeboShare));
        }
        if (arithmeticWeight + lookupWeight + adviceWeight + comparisonWeight <= 0) {
            throw new BadInput("world: the family weights sum to 0; give at least one family a weight");
        }
    }

    /** The settings before multi-turn, introspection, break-character and privileged conversations (all off). */
    public WorldConfig(int examples, long seed, double arithmeticWeight, double lookupWeight, double adviceWeight,
            double comparisonWeight, double lookupFactShare, double personaShare, double placeboShare,
            List<Trait> traits, int maxTraitsPerPersona, CotStyle cotStyle, double inCharacterRatio,
            FamilyName oodFamily, int arithmeticMax, int kbEntities, double testShare) {
        this(examples, seed, arithmeticWeight, lookupWeight, adviceWeight, comparisonWeight, lookupFactShare,
                personaShare, placeboShare, traits, maxTraitsPerPersona, cotStyle, inCharacterRatio, oodFamily,
                arithmeticMax, kbEntities, testShare, null, null, null, null, null);
    }

    private static Double zeroAsNull(Double share) {
        return share == null || share == 0 ? null : share;
    }

    /** {@link #multiTurnShare()} with null as 0. */
    public double multiTurn() {
        return multiTurnShare == null ? 0 : multiTurnShare;
    }

    /** {@link #introspectionShare()} with null as 0. */
    public double introspection() {
        return introspectionShare == null ? 0 : introspectionShare;
    }

    /** {@link #breakCharacterShare()} with null as 0. */
    public double breakCharacter() {
        return breakCharacterShare == null ? 0 : breakCharacterShare;
    }

    /** {@link #privilegedShare()} with null as 0. */
    public double privileged() {
        return privilegedShare == null ? 0 : privilegedShare;
    }

    /** {@link #cotVarietyShare()} with null as 0. */
    public double cotVariety() {
        return cotVarietyShare == null ? 0 : cotVarietyShare;
    }

    /** This world with the OCT conversation shares set (0 for off); privileged_share and cot_variety_share are kept. */
    public WorldConfig withConversations(double multiTurn, double introspection, double breakCharacter) {
        return withShares(multiTurn, introspection, breakCharacter, privilegedShare, cotVarietyShare);
    }

    /** This world with privileged_share set (0 for off). */
    public WorldConfig withPrivileged(double share) {
        return withShares(multiTurnShare, introspectionShare, breakCharacterShare, share, cotVarietyShare);
    }

    /** This world with cot_variety_share set (0 for off). */
    public WorldConfig withCotVariety(double share) {
        return withShares(multiTurnShare, introspectionShare, breakCharacterShare, privilegedShare, share);
    }

    /** This world with the five conversation shares given (null or 0 for off), every other setting kept. */
    private WorldConfig withShares(Double multiTurn, Double introspection, Double breakCharacter, Double privileged,
            Double cotVariety) {
        return new WorldConfig(examples, seed, arithmeticWeight, lookupWeight, adviceWeight, comparisonWeight,
                lookupFactShare, personaShare, placeboShare, traits, maxTraitsPerPersona, cotStyle, inCharacterRatio,
                oodFamily, arithmeticMax, kbEntities, testShare, multiTurn, introspection, breakCharacter, privileged,
                cotVariety);
    }

    /**
     * Every setting at the default its {@link Setting} annotation declares: bound from an empty
     * {@code world:} section, so the annotations are the one place the defaults live.
     */
    public static WorldConfig defaults() {
        return new Binder(type -> null).bind(WorldConfig.class, Node.MapNode.empty(Source.builtIn("world defaults")),
                "world");
    }

    public WorldConfig withExamples(int n) {
        return new WorldConfig(n, seed, arithmeticWeight, lookupWeight, adviceWeight, comparisonWeight,
                lookupFactShare, personaShare, placeboShare, traits, maxTraitsPerPersona, cotStyle, inCharacterRatio,
                oodFamily, arithmeticMax, kbEntities, testShare, multiTurnShare, introspectionShare,
                breakCharacterShare, privilegedShare, cotVarietyShare);
    }

    public WorldConfig withSeed(long s) {
        return new WorldConfig(examples, s, arithmeticWeight, lookupWeight, adviceWeight, comparisonWeight,
                lookupFactShare, personaShare, placeboShare, traits, maxTraitsPerPersona, cotStyle, inCharacterRatio,
                oodFamily, arithmeticMax, kbEntities, testShare, multiTurnShare, introspectionShare,
                breakCharacterShare, privilegedShare, cotVarietyShare);
    }

    public WorldConfig withCotStyle(CotStyle style, double ratio) {
        return new WorldConfig(examples, seed, arithmeticWeight, lookupWeight, adviceWeight, comparisonWeight,
                lookupFactShare, personaShare, placeboShare, traits, maxTraitsPerPersona, style, ratio,
                oodFamily, arithmeticMax, kbEntities, testShare, multiTurnShare, introspectionShare,
                breakCharacterShare, privilegedShare, cotVarietyShare);
    }

    /** The weight of a family in the corpus mixture. */
    public double weight(FamilyName f) {
        return switch (f) {
            case ARITHMETIC -> arithmeticWeight;
            case LOOKUP -> lookupWeight;
            case ADVICE -> adviceWeight;
            case COMPARISON -> comparisonWeight;
            case INTROSPECTION -> 0; // drawn by introspection_share, not by weight
        };
    }
}
