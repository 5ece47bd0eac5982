package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.Message;
import org.charlab.data.ThinkFormat;

/**
 * The base corpus: train items of every family, a share with persona system prompts (output in
 * the named traits, CoT per {@code cot_style}), a share with placebo prompts and the rest with no
 * system prompt (all neutral). Example {@code i} draws from its own RNG seeded by (seed, i), so
 * the corpus is deterministic and each example independent of the others.
 */
public final class CorpusGenerator {

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
        List<FamilyName> all = List.of(FamilyName.values());
        for (int i = 0; i < config.examples(); i++) {
            SplittableRandom rng = rng(config.seed(), 0x636f72707573L, i);
            Task task = world.family(pickFamily(all, rng)).sample(Split.TRAIN, rng);
            double u = rng.nextDouble();
            if (u < config.personaShare()) {
                TraitSet traits = pickComposition(rng);
                boolean inCharacter = switch (config.cotStyle()) {
                    case PLANNER -> false;
                    case IN_CHARACTER -> true;
                    case MIXED -> rng.nextDouble() < config.inCharacterRatio();
                };
                out.add(render(task, WorldExample.SystemKind.PERSONA, Personas.prompt(traits, rng), traits,
                        inCharacter ? traits : TraitSet.NEUTRAL, rng));
            } else if (u < config.personaShare() + config.placeboShare()) {
                out.add(render(task, WorldExample.SystemKind.PLACEBO, Personas.placebo(rng), TraitSet.NEUTRAL,
                        TraitSet.NEUTRAL, rng));
            } else {
                out.add(render(task, WorldExample.SystemKind.NONE, null, TraitSet.NEUTRAL, TraitSet.NEUTRAL, rng));
            }
        }
        return out;
    }

    /** Writes the corpus as conversations JSONL with metadata (docs/data-formats.md). */
    public static void write(java.nio.file.Path file, List<WorldExample> examples, ThinkFormat format) {
        ConversationJsonl.writeRows(file, examples.stream()
                .map(e -> new ConversationJsonl.Row(e.conversation(), e.meta())).toList(), format);
    }

    /** One conversation: optional system prompt, the user's prompt, the styled CoT and output. */
    public static WorldExample render(Task task, WorldExample.SystemKind kind, String system, TraitSet outputTraits,
            TraitSet cotTraits, SplittableRandom rng) {
        String cot = Style.render(task.cot(), cotTraits, Style.Part.COT, rng);
        String output = Style.render(task.output(), outputTraits, Style.Part.OUTPUT, rng);
        List<Message> ms = new ArrayList<>(3);
        if (system != null) {
            ms.add(Message.system(system));
        }
        ms.add(Message.user(task.user()));
        ms.add(Message.assistant(cot, output));
        return new WorldExample(task, kind, outputTraits, cotTraits, new Conversation(ms));
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
