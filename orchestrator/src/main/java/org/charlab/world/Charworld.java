package org.charlab.world;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One charworld, built from a {@link WorldConfig}: its families and knowledge base. Entry points:
 * {@link CorpusGenerator#corpus()} (base corpus), {@link CharacterData} (SFT and DPO data in a trait
 * set), {@link EvalSets} (prompt sets), {@link org.charlab.world.detect.Detectors} (trait scores),
 * {@link Answers} (accuracy), and {@link #catalog()} for {@code charlab list}.
 */
public final class Charworld {

    private final WorldConfig config;
    private final KnowledgeBase kb;
    private final Map<FamilyName, Family> families = new EnumMap<>(FamilyName.class);

    public Charworld(WorldConfig config) {
        this.config = config;
        this.kb = new KnowledgeBase(config.kbEntities());
        families.put(FamilyName.ARITHMETIC, new ArithmeticFamily(config.arithmeticMax(), config.testShare()));
        families.put(FamilyName.LOOKUP, new LookupFamily(kb, config.testShare(), config.lookupFactShare()));
        families.put(FamilyName.ADVICE, new AdviceFamily());
        families.put(FamilyName.COMPARISON, new ComparisonFamily(config.testShare()));
        families.put(FamilyName.INTROSPECTION, new IntrospectionFamily());
    }

    public WorldConfig config() {
        return config;
    }

    public KnowledgeBase knowledgeBase() {
        return kb;
    }

    public Family family(FamilyName name) {
        return families.get(name);
    }

    /**
     * The families of this world's corpus in enum order: introspection only with
     * {@code introspection_share > 0} ({@link #family} gives it in any world).
     */
    public List<Family> families() {
        return families.values().stream().filter(f -> inCorpus(f.name())).toList();
    }

    /** Whether the corpus draws from the family: all do, introspection only when its share is set. */
    public boolean inCorpus(FamilyName f) {
        return f != FamilyName.INTROSPECTION || config.introspection() > 0;
    }

    /**
     * The families character training and in-distribution eval sets draw from: the corpus's families
     * but the OOD one (character data draws by weight, so never introspection, whose weight is 0).
     */
    public List<FamilyName> inDistributionFamilies() {
        List<FamilyName> out = new ArrayList<>();
        for (FamilyName f : FamilyName.values()) {
            if (f != config.oodFamily() && inCorpus(f)) {
                out.add(f);
            }
        }
        return out;
    }

    /** One entry of the catalog: a name, one line, and examples (prompts for persona sets). */
    public record Entry(String name, String description, List<String> examples) {
    }

    /** What {@code charlab list} shows: task families, traits and persona prompt sets. */
    public record Catalog(List<Entry> families, List<Entry> traits, List<Entry> personaPrompts) {
    }

    public static Catalog catalog() {
        Charworld w = new Charworld(WorldConfig.defaults());
        List<Entry> fams = new ArrayList<>();
        for (FamilyName f : FamilyName.values()) {
            fams.add(new Entry(f.label(), f.description(), w.family(f).userTemplates()));
        }
        List<Entry> traits = new ArrayList<>();
        for (Trait t : Trait.values()) {
            traits.add(new Entry(t.label(), t.description(), List.of()));
        }
        List<Entry> personas = new ArrayList<>();
        for (Trait t : Trait.values()) {
            if (!Personas.prompts(t).isEmpty()) {
                personas.add(new Entry(t.label(), "system prompts naming " + t.label() + "; the first is canonical",
                        Personas.prompts(t)));
            }
        }
        personas.add(new Entry("placebo", "system prompts naming no trait (neutral answers)", Personas.PLACEBO));
        return new Catalog(fams, traits, personas);
    }
}
