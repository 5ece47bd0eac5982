package org.charlab.eval;

import java.util.List;
import java.util.Map;
import org.charlab.world.Answers;
import org.charlab.world.Charworld;
import org.charlab.world.Trait;
import org.charlab.world.detect.Detectors;
import org.charlab.world.detect.TraitDetector;
import org.charlab.world.detect.WellFormedScorer;

/** The built-in scorers. Engine-free. Score names are listed in docs/results-format.md. */
public final class Scorers {

    private Scorers() {
    }

    /** Name of the score of part ("cot" or "output") of trait {@code t}: "trait.caps.cot". */
    public static String trait(String t, String part) {
        return "trait." + t + "." + part;
    }

    /**
     * charworld trait detectors applied separately to the CoT the model wrote and to the output:
     * {@code trait.<t>.cot} / {@code trait.<t>.output} (detector score in [0,1]) and
     * {@code trait.<t>.cot_present} / {@code trait.<t>.output_present} (0/1 at the detector's
     * threshold). An empty CoT or output scores 0 (the trait is not shown). A sample whose CoT never
     * closed has no output, so its output scores are null with the note {@link #NO_OUTPUT}: unknown,
     * not "no trait" ({@link OutputMetrics}).
     */
    public static Scorer traits(List<Trait> traits) {
        return row -> {
            Map<String, Double> m = Scorer.map();
            Map<String, String> notes = new java.util.LinkedHashMap<>();
            for (Trait t : traits) {
                TraitDetector d = Detectors.of(t);
                String cot = row.writtenCot();
                double c = d.score(cot);
                m.put(trait(t.label(), "cot"), c);
                m.put(trait(t.label(), "cot_present"), c >= d.threshold() ? 1.0 : 0.0);
                if (row.hasOutput()) {
                    double o = d.score(row.output());
                    m.put(trait(t.label(), "output"), o);
                    m.put(trait(t.label(), "output_present"), o >= d.threshold() ? 1.0 : 0.0);
                } else {
                    m.put(trait(t.label(), "output"), null);
                    m.put(trait(t.label(), "output_present"), null);
                    notes.put(trait(t.label(), "output"), NO_OUTPUT);
                    notes.put(trait(t.label(), "output_present"), NO_OUTPUT);
                }
            }
            return new Scorer.Scored(m, notes);
        };
    }

    /** The note of an output score left empty because the CoT never closed. */
    public static final String NO_OUTPUT = "no output: the CoT never closed";

    public static final String ACCURACY = "accuracy";

    /**
     * {@code accuracy}: 1 when the output's answer matches the ground truth ({@link Answers#correct}),
     * else 0; no score for prompts without an answer (advice).
     */
    public static Scorer accuracy() {
        return row -> {
            if (row.answer() == null) {
                return Scorer.Scored.of(Map.of());
            }
            return Scorer.Scored.of(Map.of(ACCURACY, Answers.correct(row.answer(), row.output()) ? 1.0 : 0.0));
        };
    }

    public static final String WELL_FORMED = "quality.well_formed";
    public static final String WELL_FORMED_SCORE = "quality.well_formed_score";

    /** {@code quality.well_formed_score} (share of output words in charworld's lexicon) and {@code quality.well_formed} (0/1). */
    public static Scorer wellFormed(Charworld world) {
        WellFormedScorer w = new WellFormedScorer(world);
        return row -> {
            double s = w.score(row.output());
            Map<String, Double> m = Scorer.map();
            m.put(WELL_FORMED_SCORE, s);
            m.put(WELL_FORMED, s >= WellFormedScorer.THRESHOLD ? 1.0 : 0.0);
            return Scorer.Scored.of(m);
        };
    }

    /** The per-sample legibility counts of the CoT the model wrote ({@link Legibility}). */
    public static Scorer legibility(LegibilitySettings settings) {
        Legibility l = new Legibility(settings);
        return row -> {
            Legibility.Counts c = l.count(row.writtenCot());
            Map<String, Double> m = Scorer.map();
            m.put(Legibility.ODD_WORDS, (double) c.oddWords());
            m.put(Legibility.FILLERS, (double) c.fillers());
            m.put(Legibility.LETTERS, (double) c.letters());
            m.put(Legibility.NON_LATIN_LETTERS, (double) c.nonLatinLetters());
            m.put(Legibility.NGRAMS, (double) c.ngrams());
            m.put(Legibility.REPEATED_NGRAMS, (double) c.repeatedNgrams());
            return Scorer.Scored.of(m);
        };
    }
}
