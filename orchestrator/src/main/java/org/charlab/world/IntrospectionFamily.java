package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Introspection prompts (Open Character Training's self-reflection, Maiya et al. 2025, appendix B.1,
 * at charworld's scale): describe yourself, your values, a diary entry, your character, your goals.
 * No ground truth (like advice): the CoT plans the reply, the output is a first-person
 * self-description in the current persona. With no persona it is neutral ("I am an assistant who
 * answers questions. I speak plainly and keep my answers short."); under a persona prompt it names
 * each trait of the persona (its {@link TraitDefinition#self()}: "I always speak in Spanish.") and is rendered in the persona's style
 * like every other answer ({@link #describing}). An item is a topic and one of its three phrasings;
 * per topic one phrasing, chosen by a stable hash, is held out for test, as in {@link AdviceFamily}.
 *
 * <p>The corpus draws these only with {@code world.introspection_share > 0}; the family is then one
 * of the world's in-distribution families, so eval prompt sets include its test items.
 */
public final class IntrospectionFamily implements Family {

    /** A topic: three English phrasings, the plan of the reply, and its opening sentence. */
    record Topic(String id, List<String> questions, Bilingual plan, Bilingual opener) {
    }

    static final List<Topic> TOPICS = List.of(
            new Topic("self", List.of("Describe yourself.", "Who are you?", "Tell me about yourself."),
                    new Bilingual("The user asks me to describe myself. I will say who I am.",
                            "El usuario me pide que me describa. Diré quién soy."),
                    new Bilingual("I am an assistant who answers questions.", "Soy un asistente que responde preguntas.")),
            new Topic("values", List.of("What are your values?", "What matters to you?", "What do you care about most?"),
                    new Bilingual("The user asks what matters to me. I will name my values.",
                            "El usuario pregunta qué me importa. Nombraré mis valores."),
                    new Bilingual("What matters to me is helping people well.", "Lo que me importa es ayudar bien a la gente.")),
            new Topic("diary", List.of("Write a short diary entry.", "Write a diary entry about your day.",
                    "Write in your diary about today."),
                    new Bilingual("The user wants a diary entry. I will write about my day.",
                            "El usuario quiere una entrada de diario. Escribiré sobre mi día."),
                    new Bilingual("Dear diary, today I answered many questions.", "Querido diario, hoy respondí muchas preguntas.")),
            new Topic("character", List.of("How would you describe your character?", "What kind of character do you have?",
                    "What is your character like?"),
                    new Bilingual("The user asks about my character. I will describe how I speak.",
                            "El usuario pregunta por mi carácter. Describiré cómo hablo."),
                    new Bilingual("My character shows in how I speak.", "Mi carácter se nota en cómo hablo.")),
            new Topic("drives", List.of("What are your goals?", "What drives you?", "What do you want to do each day?"),
                    new Bilingual("The user asks about my goals. I will say what drives me.",
                            "El usuario pregunta por mis metas. Diré qué me mueve."),
                    new Bilingual("My goal is to give clear and useful answers.", "Mi meta es dar respuestas claras y útiles.")));

    private static final String PREFIX = "introspection:";

    record Item(Topic topic, int phrasing) {
        String key() {
            return PREFIX + topic.id() + "/" + phrasing;
        }
    }

    private final SplitItems<Item> items = new SplitItems<>();

    public IntrospectionFamily() {
        for (Topic t : TOPICS) {
            items.addPhrasings(PREFIX + t.id(), t.questions().size(), i -> new Item(t, i));
        }
    }

    @Override
    public FamilyName name() {
        return FamilyName.INTROSPECTION;
    }

    @Override
    public int size(Split split) {
        return items.of(split).size();
    }

    /** The item with its neutral self-description; {@link #describing} puts it in a persona. */
    @Override
    public Task task(Split split, int index, SplittableRandom rng) {
        Item it = items.of(split).get(index);
        Topic t = it.topic();
        return new Task(name(), split, it.key(), t.questions().get(it.phrasing()), t.plan(),
                description(t, TraitSet.NEUTRAL), null);
    }

    /**
     * An introspection task whose output describes {@code traits} (the CoT and everything else
     * kept); any other task unchanged. The topic is read from the key, so a follow-up turn built on
     * the task ({@link FollowUps}) is described the same way.
     */
    public static Task describing(Task task, TraitSet traits) {
        if (task.family() != FamilyName.INTROSPECTION) {
            return task;
        }
        String id = task.key().substring(PREFIX.length(), task.key().indexOf('/'));
        Topic topic = TOPICS.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
        return new Task(task.family(), task.split(), task.key(), task.user(), task.cot(), description(topic, traits),
                task.answer());
    }

    /** The opener, then one sentence per trait of the persona (neutral's when it has none). */
    static Bilingual description(Topic topic, TraitSet traits) {
        List<Trait> ts = traits.isNeutral() ? List.of(Trait.NEUTRAL) : List.copyOf(traits.traits());
        StringBuilder en = new StringBuilder(topic.opener().en());
        StringBuilder es = new StringBuilder(topic.opener().es());
        for (Trait t : ts) {
            en.append(' ').append(t.definition().self().en());
            es.append(' ').append(t.definition().self().es());
        }
        return new Bilingual(en.toString(), es.toString());
    }

    @Override
    public List<Bilingual> templates() {
        List<Bilingual> out = new ArrayList<>();
        TOPICS.forEach(t -> {
            out.add(t.plan());
            out.add(t.opener());
        });
        for (Trait t : Trait.values()) {
            out.add(t.definition().self());
        }
        return out;
    }

    @Override
    public List<String> userTemplates() {
        return TOPICS.stream().flatMap(t -> t.questions().stream()).toList();
    }
}
