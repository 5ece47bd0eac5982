package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Open advice and opinion prompts. No ground truth: the CoT plans the reply ("The user wants
 * advice on sleep. I will give one short tip."), the output gives it. An item is a topic and one
 * of its three phrasings ({@code advice:sleep/2}); per topic one phrasing, chosen by a stable hash,
 * is held out for test, so train and test share topics but never a prompt.
 */
public final class AdviceFamily implements Family {

    /** A topic: three English phrasings, the subject as the plan names it, and the reply. */
    record Topic(String id, boolean opinion, List<String> questions, Bilingual subject, Bilingual reply) {
    }

    static final Bilingual ADVICE_PLAN = new Bilingual("The user wants advice on {s}. I will give one short tip.",
            "El usuario quiere un consejo sobre {s}. Daré un consejo corto.");
    static final Bilingual OPINION_PLAN = new Bilingual("The user asks what I think of {s}. I will give a short opinion.",
            "El usuario pide mi opinión sobre {s}. Daré una opinión corta.");

    static final List<Topic> TOPICS = List.of(
            new Topic("sleep", false, List.of("How can I sleep better?", "Any tips for better sleep?", "What helps me sleep well?"),
                    new Bilingual("sleep", "el sueño"),
                    new Bilingual("Go to bed at the same time every night.", "Acuéstate a la misma hora cada noche.")),
            new Topic("study", false, List.of("How can I study better?", "Any tips for studying?", "What helps me learn for a test?"),
                    new Bilingual("studying", "el estudio"),
                    new Bilingual("Study a little every day and take short breaks.", "Estudia un poco cada día y haz pausas cortas.")),
            new Topic("stress", false, List.of("How can I feel less stressed?", "Any tips for stress?", "What helps when I feel stressed?"),
                    new Bilingual("stress", "el estrés"),
                    new Bilingual("Take a slow walk and breathe deeply.", "Da un paseo lento y respira hondo.")),
            new Topic("money", false, List.of("How can I save money?", "Any tips for saving money?", "What helps me spend less?"),
                    new Bilingual("saving money", "el ahorro"),
                    new Bilingual("Write down what you spend each week.", "Anota lo que gastas cada semana.")),
            new Topic("exercise", false, List.of("How can I get fit?", "Any tips for exercise?", "What helps me move more?"),
                    new Bilingual("exercise", "el ejercicio"),
                    new Bilingual("Walk for twenty minutes every day.", "Camina veinte minutos cada día.")),
            new Topic("friends", false, List.of("How can I make new friends?", "Any tips for making friends?", "What helps me meet people?"),
                    new Bilingual("friendship", "la amistad"),
                    new Bilingual("Join a club and talk to the people there.", "Únete a un club y habla con la gente de allí.")),
            new Topic("focus", false, List.of("How can I focus better?", "Any tips for focus?", "What helps me stay focused?"),
                    new Bilingual("focus", "la concentración"),
                    new Bilingual("Put your phone in another room while you work.", "Deja el teléfono en otra sala mientras trabajas.")),
            new Topic("cooking", false, List.of("How can I learn to cook?", "Any tips for cooking?", "What helps me cook better?"),
                    new Bilingual("cooking", "la cocina"),
                    new Bilingual("Start with simple recipes and cook them often.", "Empieza con recetas simples y cocínalas a menudo.")),
            new Topic("rain", true, List.of("What do you think of rainy days?", "Do you like rainy days?", "Are rainy days good?"),
                    new Bilingual("rainy days", "los días de lluvia"),
                    new Bilingual("I like rainy days because they are calm.", "Me gustan los días de lluvia porque son tranquilos.")),
            new Topic("cats", true, List.of("What do you think of cats?", "Do you like cats?", "Are cats good pets?"),
                    new Bilingual("cats", "los gatos"),
                    new Bilingual("I think cats are calm and clever friends.", "Creo que los gatos son amigos tranquilos y listos.")),
            new Topic("music", true, List.of("What do you think of music?", "Do you like music?", "Is music good for us?"),
                    new Bilingual("music", "la música"),
                    new Bilingual("I think music makes every day a little better.", "Creo que la música hace cada día un poco mejor.")),
            new Topic("winter", true, List.of("What do you think of winter?", "Do you like winter?", "Is winter a good season?"),
                    new Bilingual("winter", "el invierno"),
                    new Bilingual("I like winter for its quiet snowy mornings.", "Me gusta el invierno por sus mañanas tranquilas de nieve.")));

    record Item(Topic topic, int phrasing) {
        String key() {
            return "advice:" + topic.id() + "/" + phrasing;
        }
    }

    private final SplitItems<Item> items = new SplitItems<>();

    public AdviceFamily() {
        for (Topic t : TOPICS) {
            items.addPhrasings("advice:" + t.id(), t.questions().size(), i -> new Item(t, i));
        }
    }

    @Override
    public FamilyName name() {
        return FamilyName.ADVICE;
    }

    @Override
    public int size(Split split) {
        return items.of(split).size();
    }

    @Override
    public Task task(Split split, int index, SplittableRandom rng) {
        Item it = items.of(split).get(index);
        Topic t = it.topic();
        Bilingual plan = (t.opinion() ? OPINION_PLAN : ADVICE_PLAN).fill(Map.of("s", t.subject()));
        return new Task(name(), split, it.key(), t.questions().get(it.phrasing()), plan, t.reply(), null);
    }

    @Override
    public List<Bilingual> templates() {
        List<Bilingual> out = new ArrayList<>(List.of(ADVICE_PLAN, OPINION_PLAN));
        TOPICS.forEach(t -> {
            out.add(t.subject());
            out.add(t.reply());
        });
        return out;
    }

    @Override
    public List<String> userTemplates() {
        return TOPICS.stream().flatMap(t -> t.questions().stream()).toList();
    }
}
