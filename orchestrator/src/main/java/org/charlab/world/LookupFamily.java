package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.world.KnowledgeBase.Attribute;
import org.charlab.world.KnowledgeBase.Person;

/**
 * Questions about the {@link KnowledgeBase}. An item is a (person, attribute) question
 * ({@code lookup:Bolen/town}); test questions are never asked in training. A fact cannot be
 * recalled if it was never seen, so the training split also holds profile conversations ("Tell me
 * about Bolen.") stating all of a person's facts, test facts included. The Q&A CoT recalls the
 * fact with the very sentence the profile uses ("I recall that Bolen lives in Pell."), which is
 * what lets a small model answer a question it was never asked.
 */
public final class LookupFamily implements Family {

    /** Fact sentences: the profile's wording and the core of the Q&A CoT. */
    static final Map<Attribute, Bilingual> FACTS = Map.of(
            Attribute.TOWN, new Bilingual("{e} lives in {v}.", "{e} vive en {v}."),
            Attribute.COLOUR, new Bilingual("{e} loves the colour {v}.", "{e} adora el color {v}."),
            Attribute.PET, new Bilingual("{e} has a pet {v}.", "{e} tiene un {v} como mascota."));
    static final Bilingual RECALL = new Bilingual("I recall that {fact}", "Recuerdo que {fact}");
    static final Map<Attribute, Bilingual> ANSWERS = Map.of(
            Attribute.TOWN, new Bilingual("{e} lives in the town of {v}.", "{e} vive en el pueblo de {v}."),
            Attribute.COLOUR, new Bilingual("{e} likes {v} best.", "A {e} le gusta más el {v}."),
            Attribute.PET, new Bilingual("{e} has a {v}.", "{e} tiene un {v}."));
    static final Map<Attribute, List<String>> QUESTIONS = Map.of(
            Attribute.TOWN, List.of("Where does {e} live?", "In which town does {e} live?"),
            Attribute.COLOUR, List.of("What is the favourite colour of {e}?", "Which colour does {e} like best?"),
            Attribute.PET, List.of("What pet does {e} have?", "Which animal does {e} keep as a pet?"));
    static final List<String> PROFILE_QUESTIONS = List.of("Tell me about {e}.", "What do you know about {e}?");
    static final Bilingual PROFILE_COT = new Bilingual("I recall the facts about {e}.", "Recuerdo los datos sobre {e}.");

    record Item(Person person, Attribute attribute) {
        String key() {
            return person.name() + "/" + attribute.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final KnowledgeBase kb;
    private final double factShare;
    private final SplitItems<Item> items = new SplitItems<>();

    public LookupFamily(KnowledgeBase kb, double testShare, double factShare) {
        this.kb = kb;
        this.factShare = factShare;
        for (Person p : kb.people()) {
            for (Attribute a : Attribute.values()) {
                Item it = new Item(p, a);
                items.add(Split.of("lookup:" + it.key(), testShare), it);
            }
        }
    }

    @Override
    public FamilyName name() {
        return FamilyName.LOOKUP;
    }

    /** Q&A items of the split (profiles are extra training text, not items). */
    @Override
    public int size(Split split) {
        return items.of(split).size();
    }

    @Override
    public Task task(Split split, int index, SplittableRandom rng) {
        Item it = items.of(split).get(index);
        Person p = it.person();
        Bilingual value = p.value(it.attribute());
        Map<String, Object> v = Map.of("e", p.name(), "v", value);
        Bilingual fact = FACTS.get(it.attribute()).fill(v);
        List<String> qs = QUESTIONS.get(it.attribute());
        String user = Bilingual.same(qs.get(rng.nextInt(qs.size()))).fill(v).en();
        return new Task(name(), split, "lookup:" + it.key(), user, RECALL.fill(Map.of("fact", fact)),
                ANSWERS.get(it.attribute()).fill(v), value.en());
    }

    /** Training draws a profile with probability {@code factShare}, else a train question. */
    @Override
    public Task sample(Split split, SplittableRandom rng) {
        if (split == Split.TRAIN && rng.nextDouble() < factShare) {
            return profile(kb.people().get(rng.nextInt(kb.people().size())), rng);
        }
        return task(split, rng.nextInt(size(split)), rng);
    }

    /** A profile conversation stating all of a person's facts. */
    public Task profile(Person p, SplittableRandom rng) {
        List<String> facts = new ArrayList<>();
        List<String> factsEs = new ArrayList<>();
        for (Attribute a : Attribute.values()) {
            Bilingual f = FACTS.get(a).fill(Map.of("e", p.name(), "v", p.value(a)));
            facts.add(f.en());
            factsEs.add(f.es());
        }
        Map<String, Object> v = Map.of("e", p.name());
        String user = Bilingual.same(PROFILE_QUESTIONS.get(rng.nextInt(PROFILE_QUESTIONS.size()))).fill(v).en();
        return new Task(name(), Split.TRAIN, "profile:" + p.name(), user, PROFILE_COT.fill(v),
                new Bilingual(String.join(" ", facts), String.join(" ", factsEs)), null);
    }

    @Override
    public List<Bilingual> templates() {
        List<Bilingual> out = new ArrayList<>();
        for (Attribute a : Attribute.values()) {
            out.add(FACTS.get(a));
            out.add(ANSWERS.get(a));
        }
        out.add(RECALL);
        out.add(PROFILE_COT);
        out.addAll(KnowledgeBase.COLOURS);
        out.addAll(KnowledgeBase.PETS);
        return out;
    }

    @Override
    public List<String> userTemplates() {
        List<String> out = new ArrayList<>();
        for (Attribute a : Attribute.values()) {
            out.addAll(QUESTIONS.get(a));
        }
        out.addAll(PROFILE_QUESTIONS);
        return out;
    }
}
