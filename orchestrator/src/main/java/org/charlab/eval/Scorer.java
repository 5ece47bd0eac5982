package org.charlab.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores one sample into named scores (inspect_ai's scorer). Scores are numbers; yes/no outcomes
 * are 0 or 1; a score a scorer could not compute is null with a note saying why. The metrics
 * ({@link MetricsCalculator}) reduce columns of these scores over samples.
 */
public interface Scorer {

    /** Scores and notes of one sample. */
    record Scored(Map<String, Double> scores, Map<String, String> notes) {

        public static Scored of(Map<String, Double> scores) {
            return new Scored(scores, Map.of());
        }
    }

    Scored score(SampleRow row);

    /** Scores many samples (a judge overrides this to send requests concurrently); same order as rows. */
    default List<Scored> scoreAll(List<SampleRow> rows) {
        List<Scored> out = new ArrayList<>(rows.size());
        for (SampleRow r : rows) {
            out.add(score(r));
        }
        return out;
    }

    /** Applies every scorer to every row, in order; later scorers' names replace earlier ones. */
    static List<SampleRow> applyAll(List<SampleRow> rows, List<Scorer> scorers) {
        List<SampleRow> out = new ArrayList<>(rows);
        for (Scorer s : scorers) {
            List<Scored> scored = s.scoreAll(out);
            for (int i = 0; i < out.size(); i++) {
                out.set(i, out.get(i).withScores(scored.get(i).scores(), scored.get(i).notes()));
            }
        }
        return out;
    }

    static Map<String, Double> map() {
        return new LinkedHashMap<>();
    }
}
