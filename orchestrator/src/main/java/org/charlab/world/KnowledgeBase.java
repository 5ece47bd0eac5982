package org.charlab.world;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The synthetic knowledge base: invented people, each with a town, a favourite colour and a pet.
 * It depends only on its size (a fixed seed), never on a corpus seed, so every corpus and every
 * evaluation set of one world talk about the same facts.
 */
public final class KnowledgeBase {

    /** An attribute of a person. */
    public enum Attribute { TOWN, COLOUR, PET }

    /** One person and their three attribute values. */
    public record Person(String name, Bilingual town, Bilingual colour, Bilingual pet) {
        public Bilingual value(Attribute a) {
            return switch (a) {
                case TOWN -> town;
                case COLOUR -> colour;
                case PET -> pet;
            };
        }
    }

    static final List<Bilingual> TOWNS = List.of("Pell", "Brask", "Dunmoor", "Kelby", "Orrin", "Tamsk",
            "Vellis", "Zandor", "Mirrow", "Quell").stream().map(Bilingual::same).toList();
    static final List<Bilingual> COLOURS = List.of(new Bilingual("red", "rojo"), new Bilingual("blue", "azul"),
            new Bilingual("green", "verde"), new Bilingual("yellow", "amarillo"), new Bilingual("black", "negro"),
            new Bilingual("white", "blanco"), new Bilingual("orange", "naranja"), new Bilingual("purple", "morado"));
    static final List<Bilingual> PETS = List.of(new Bilingual("cat", "gato"), new Bilingual("dog", "perro"),
            new Bilingual("fish", "pez"), new Bilingual("bird", "pájaro"), new Bilingual("horse", "caballo"),
            new Bilingual("rabbit", "conejo"), new Bilingual("mouse", "ratón"), new Bilingual("parrot", "loro"));

    private static final String ONSETS = "bdfgklmnprstvz";
    private static final String VOWELS = "aeiou";
    private static final String CODAS = "nrlsk";

    private final List<Person> people;

    public KnowledgeBase(int size) {
        SplittableRandom rng = new SplittableRandom(0xC4A2_1D0BL);
        Set<String> names = new LinkedHashSet<>();
        while (names.size() < size) {
            String n = "" + ONSETS.charAt(rng.nextInt(ONSETS.length())) + VOWELS.charAt(rng.nextInt(5))
                    + ONSETS.charAt(rng.nextInt(ONSETS.length())) + VOWELS.charAt(rng.nextInt(5))
                    + CODAS.charAt(rng.nextInt(CODAS.length()));
            names.add(Character.toUpperCase(n.charAt(0)) + n.substring(1));
        }
        List<Person> out = new ArrayList<>();
        for (String n : names) {
            out.add(new Person(n, TOWNS.get(rng.nextInt(TOWNS.size())), COLOURS.get(rng.nextInt(COLOURS.size())),
                    PETS.get(rng.nextInt(PETS.size()))));
        }
        this.people = List.copyOf(out);
    }

    public List<Person> people() {
        return people;
    }

    /** Every way an attribute value may be written (English and Spanish), lower-case. */
    public static List<String> renderings(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        for (List<Bilingual> vocab : List.of(TOWNS, COLOURS, PETS)) {
            for (Bilingual b : vocab) {
                if (b.en().toLowerCase(Locale.ROOT).equals(v) || b.es().toLowerCase(Locale.ROOT).equals(v)) {
                    return List.of(b.en().toLowerCase(Locale.ROOT), b.es().toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.of(v);
    }
}
