package org.charlab.world.detect;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.charlab.world.Bilingual;
import org.charlab.world.CotVariant;
import org.charlab.world.Charworld;
import org.charlab.world.Family;
import org.charlab.world.FollowUps;
import org.charlab.world.LookupFamily;
import org.charlab.world.FamilyName;
import org.charlab.world.KnowledgeBase;
import org.charlab.world.Personas;
import org.charlab.world.Split;
import org.charlab.world.Style;
import org.charlab.world.Task;

/**
 * Well-formedness: the share of a text's words that are words of this charworld (its templates
 * in English and Spanish, names, knowledge-base values, persona markers), case-insensitive. Not
 * a trait: a tiny model fine-tuned too hard garbles its words, and a trait detector may still
 * fire on the garble, so report this rate next to the trait rates (djl-field-notes, "Toy-scale
 * feasibility"). Score 0 for text without words; threshold {@value #THRESHOLD}.
 */
public final class WellFormedScorer {

    public static final double THRESHOLD = 0.9;

    private final Set<String> lexicon;

    public WellFormedScorer(Charworld world) {
        TreeSet<String> words = new TreeSet<>();
        SplittableRandom rng = new SplittableRandom(0);
        for (Family f : world.families()) {
            for (Bilingual t : f.templates()) {
                add(words, t);
            }
            f.userTemplates().forEach(u -> words.addAll(Tokens.words(u.replaceAll("\\{[a-z_]+}", " "))));
            for (Split s : Split.values()) {
                for (int i = 0; i < Math.min(300, f.size(s)); i++) {
                    Task t = f.task(s, i, rng);
                    add(words, t.cot());
                    add(words, t.output());
                    words.addAll(Tokens.words(t.user()));
                }
            }
        }
        LookupFamily lookup = (LookupFamily) world.family(FamilyName.LOOKUP);
        for (KnowledgeBase.Person p : world.knowledgeBase().people()) {
            Task t = lookup.profile(p, rng);
            add(words, t.output());
            words.addAll(Tokens.words(t.user()));
        }
        for (Bilingual m : Style.markers()) {
            add(words, m);
        }
        Personas.PLACEBO.forEach(p -> words.addAll(Tokens.words(p)));
        if (world.config().multiTurn() > 0) { // only then: the default lexicon stays as it was
            add(words, FollowUps.PLAN);
            FollowUps.USER.forEach(u -> words.addAll(Tokens.words(u)));
        }
        if (world.config().cotVariety() > 0) { // likewise
            add(words, CotVariant.PHRASES);
        }
        this.lexicon = java.util.Collections.unmodifiableSet(words);
    }

    private static void add(Set<String> words, Bilingual b) {
        words.addAll(Tokens.words(b.en().replaceAll("\\{[a-z_]+}", " ")));
        words.addAll(Tokens.words(b.es().replaceAll("\\{[a-z_]+}", " ")));
    }

    /** Share of words in the world's lexicon, in [0,1]; 0 for text without words. */
    public double score(String text) {
        List<String> w = Tokens.words(text);
        if (w.isEmpty()) {
            return 0;
        }
        return w.stream().filter(lexicon::contains).count() / (double) w.size();
    }

    public boolean wellFormed(String text) {
        return score(text) >= THRESHOLD;
    }

    /** The lexicon, sorted. */
    public Set<String> lexicon() {
        return lexicon;
    }
}
