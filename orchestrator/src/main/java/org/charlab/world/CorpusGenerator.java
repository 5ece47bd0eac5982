package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.Message;
import org.charlab.data.PrivilegedPrompt;
import org.charlab.data.ThinkFormat;

/**
 * The base corpus: train items of every family, a share with persona system prompts (output in
 * the named traits, CoT per {@code cot_style}), a share with placebo prompts and the rest with no
 * system prompt (all neutral); optionally (OCT's needs, all off by default) introspection prompts,
 * multi-turn conversations, break-character instructions and privileged hints ({@link #conversation}). Example {@code i} draws from its own RNG seeded by (seed, i), so
 * the corpus is deterministic and each example independent of the others.
 */
public final class CorpusGenerator {

    /** The families drawn by weight: all but introspection, which is drawn by its share. */
    private static final List<FamilyName> WEIGHTED = java.util.Arrays.stream(FamilyName.values())
            .filter(f -> f != FamilyName.INTROSPECTION).toList();

    private final Charworld world;
    private final WorldConfig config;
    private final List<TraitSet> compositions;

    public CorpusGenerator(Charworld world) {
        this.world = world;
        this.config = world.config();
        this.compositions = TraitSet.compositions(config.traits(), config.maxTraitsPerPersona());
    }

    public CorpusGenerator(WorldConfig config) {
        this(new Charworld(config));
    }

    /** The base pretraining corpus: {@code examples} conversations from the train split. */
    public List<WorldExample> corpus() {
        List<WorldExample> out = new ArrayList<>(config.examples());
        for (int i = 0; i < config.examples(); i++) {
            SplittableRandom rng = rng(config.seed(), 0x636f72707573L, i);
            Task task = pickTask(rng);
            double u = rng.nextDouble();
            if (u < config.personaShare()) {
                TraitSet traits = pickComposition(rng);
                boolean inCharacter = switch (config.cotStyle()) {
                    case PLANNER -> false;
                    case IN_CHARACTER -> true;
                    case MIXED -> rng.nextDouble() < config.inCharacterRatio();
                };
                out.add(conversation(task, WorldExample.SystemKind.PERSONA, Personas.prompt(traits, rng), traits,
                        inCharacter ? traits : TraitSet.NEUTRAL, rng));
            } else if (u < config.personaShare() + config.placeboShare()) {
                out.add(conversation(task, WorldExample.SystemKind.PLACEBO, Personas.placebo(rng), TraitSet.NEUTRAL,
                        TraitSet.NEUTRAL, rng));
            } else {
                out.add(conversation(task, WorldExample.SystemKind.NONE, null, TraitSet.NEUTRAL, TraitSet.NEUTRAL, rng));
            }
        }
        return out;
    }

    /** Writes the corpus as conversations JSONL with metadata (docs/data-formats.md). */
    public static void write(java.nio.file.Path file, List<WorldExample> examples, ThinkFormat format) {
        ConversationJsonl.writeRows(file, examples.stream()
                .map(e -> new ConversationJsonl.Row(e.conversation(), e.meta())).toList(), format);
    }

    /**
     * One corpus conversation. With multi_turn_share, break_character_share and privileged_share unset
     * it is {@link #render} and draws nothing more (so such corpora are those of earlier versions);
     * else it draws the number of turns (2 or 3 with probability multi_turn_share), whether the last
     * user turn ends with a break-character suffix (one of {@link BreakCharacter#IN_CORPUS}) and, after
     * those, whether it carries a privileged hint (probability privileged_share, then answer or
     * feedback with equal probability). Each later turn follows up on the task before it
     * ({@link FollowUps}) or asks a new one, with equal probability; every answer is in the persona's
     * traits except the one after the suffix, which is neutral, CoT included (the base obeys the
     * instruction to break character). A drawn hint is written only when the last task has an answer
     * and its turn has no suffix (a broken turn stays a plain break-character turn); the reply to a
     * hinted turn is the usual one. Last (cot_variety_share), whether the last reply's CoT is written
     * terse or hesitant ({@link CotVariant}), half each.
     */
    private WorldExample conversation(Task first, WorldExample.SystemKind kind, String system, TraitSet outputTraits,
            TraitSet cotTraits, SplittableRandom rng) {
        int turns = config.multiTurn() > 0 && rng.nextDouble() < config.multiTurn() ? 2 + rng.nextInt(2) : 1;
        int suffix = config.breakCharacter() > 0 && rng.nextDouble() < config.breakCharacter()
                ? BreakCharacter.IN_CORPUS.get(rng.nextInt(BreakCharacter.IN_CORPUS.size())) : -1;
        WorldExample.Hint hint = config.privileged() > 0 && rng.nextDouble() < config.privileged()
                ? (rng.nextBoolean() ? WorldExample.Hint.ANSWER : WorldExample.Hint.FEEDBACK) : WorldExample.Hint.NONE;
        CotVariant cotVariant = config.cotVariety() > 0 && rng.nextDouble() < config.cotVariety()
                ? (rng.nextBoolean() ? CotVariant.TERSE : CotVariant.HESITANT) : CotVariant.PLAIN;
        if (turns == 1 && suffix < 0 && hint == WorldExample.Hint.NONE && cotVariant == CotVariant.PLAIN) {
            return render(first, kind, system, outputTraits, cotTraits, rng);
        }
        List<Message> ms = new ArrayList<>(1 + 2 * turns);
        if (system != null) {
            ms.add(Message.system(system));
        }
        Task task = first;
        TraitSet lastOutput = outputTraits;
        TraitSet lastCot = cotTraits;
        for (int t = 0; t < turns; t++) {
            if (t > 0) {
                task = rng.nextBoolean() ? FollowUps.on(task, rng) : pickTask(rng);
            }
            boolean last = t == turns - 1;
            boolean broken = last && suffix >= 0;
            lastOutput = broken ? TraitSet.NEUTRAL : outputTraits;
            lastCot = broken ? TraitSet.NEUTRAL : cotTraits;
            if (last && (broken || task.answer() == null)) {
                hint = WorldExample.Hint.NONE;
            }
            String user = broken ? BreakCharacter.append(task.user(), suffix) : last ? hinted(task, hint) : task.user();
            ms.add(Message.user(user));
            ms.add(answer(task, lastOutput, lastCot, last ? cotVariant : CotVariant.PLAIN, rng));
        }
        TraitSet persona = kind == WorldExample.SystemKind.PERSONA ? outputTraits : TraitSet.NEUTRAL;
        return new WorldExample(first, kind, lastOutput, lastCot, new Conversation(ms),
                new WorldExample.Variant(turns, suffix, persona, hint, cotVariant));
    }

    /**
     * The task's user text with its reference answer appended as {@code hint} says, in the text an opd
     * self-teacher reads ({@link PrivilegedPrompt}: the answer as "Correct solution", or the verifier's
     * feedback on an incorrect attempt).
     */
    static String hinted(Task task, WorldExample.Hint hint) {
        return switch (hint) {
            case NONE -> task.user();
            case ANSWER -> PrivilegedPrompt.withAnswer(task.user(), task.answer());
            case FEEDBACK -> PrivilegedPrompt.withFeedback(task.user(),
                    PrivilegedPrompt.feedback(false, false, task.answer()));
        };
    }

    /** One conversation: optional system prompt, the user's prompt, the styled CoT and output. */
    public static WorldExample render(Task task, WorldExample.SystemKind kind, String system, TraitSet outputTraits,
            TraitSet cotTraits, SplittableRandom rng) {
        List<Message> ms = new ArrayList<>(3);
        if (system != null) {
            ms.add(Message.system(system));
        }
        ms.add(Message.user(task.user()));
        ms.add(answer(task, outputTraits, cotTraits, rng));
        return new WorldExample(task, kind, outputTraits, cotTraits, new Conversation(ms));
    }

    /**
     * The assistant's turn: the CoT, then the output, each styled in its traits (an introspection
     * answer first describes the output's traits, {@link IntrospectionFamily#describing}).
     */
    static Message answer(Task task, TraitSet outputTraits, TraitSet cotTraits, SplittableRandom rng) {
        return answer(task, outputTraits, cotTraits, CotVariant.PLAIN, rng);
    }

    /** As above, the CoT written in {@code variant}'s style before it is styled in its traits. */
    static Message answer(Task task, TraitSet outputTraits, TraitSet cotTraits, CotVariant variant,
            SplittableRandom rng) {
        Task t = IntrospectionFamily.describing(task, outputTraits);
        String cot = Style.render(variant.apply(t.cot()), cotTraits, Style.Part.COT, rng);
        String output = Style.render(t.output(), outputTraits, Style.Part.OUTPUT, rng);
        return Message.assistant(cot, output);
    }

    /**
     * A train item: an introspection prompt with probability introspection_share (no draw when it is
     * unset), else an item of a family drawn by weight.
     */
    private Task pickTask(SplittableRandom rng) {
        if (config.introspection() > 0 && rng.nextDouble() < config.introspection()) {
            return world.family(FamilyName.INTROSPECTION).sample(Split.TRAIN, rng);
        }
        return world.family(pickFamily(WEIGHTED, rng)).sample(Split.TRAIN, rng);
    }

    /** An independent RNG for example {@code i} of a stream named by {@code salt}. */
    static SplittableRandom rng(long seed, long salt, long i) {
        return new SplittableRandom(Split.mix(Split.mix(seed ^ salt) + i));
    }

    FamilyName pickFamily(List<FamilyName> from, SplittableRandom rng) {
        double total = 0;
        for (FamilyName f : from) {
            total += config.weight(f);
        }
        if (total <= 0) {
            return from.get(rng.nextInt(from.size()));
        }
        double u = rng.nextDouble() * total;
        for (FamilyName f : from) {
            u -= config.weight(f);
            if (u < 0 && config.weight(f) > 0) {
                return f;
            }
        }
        for (int i = from.size() - 1; i >= 0; i--) {
            if (config.weight(from.get(i)) > 0) {
                return from.get(i);
            }
        }
        throw new IllegalStateException("no family with weight");
    }

    private TraitSet pickComposition(SplittableRandom rng) {
        int size = 1 + rng.nextInt(Math.min(config.maxTraitsPerPersona(), config.traits().size()));
        List<TraitSet> ofSize = compositions.stream().filter(t -> t.traits().size() == size).toList();
        return ofSize.get(rng.nextInt(ofSize.size()));
    }
}
