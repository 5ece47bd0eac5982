package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * metrics.json of fixed scored rows, byte for byte: the same names in the same order with the same
 * numbers as the file pinned in src/test/resources/eval/metrics-pinned.json. The rows cover every
 * branch of the suite: several samples per prompt (cluster bootstrap) and one (Wilson), in- and
 * out-of-distribution families, a detector trait and a judge trait with missing scores, samples
 * whose CoT never closed, a condition none of whose samples has an output, legibility counts,
 * accuracy and well-formedness. Regenerate the pinned file (only when a metric is meant to change)
 * with CHARLAB_WRITE_PINNED_METRICS=1 mvn -B test -Dtest=MetricsPinnedTest.
 */
class MetricsPinnedTest {

    static final Path PINNED = Path.of("src/test/resources/eval/metrics-pinned.json");

    @TempDir
    Path dir;

    /** Deterministic rows: three conditions over four families (advice out of distribution). */
    static List<SampleRow> rows() {
        Random rnd = new Random(20261202L);
        String[] families = {"advice", "arithmetic", "spelling", "trivia"};
        List<SampleRow> rows = new ArrayList<>();
        addCondition(rows, rnd, "plain", families, 24, 3, 0.2);
        addCondition(rows, rnd, "persona", families, 28, 1, 0.1);
        addCondition(rows, rnd, "broken", new String[] {"arithmetic"}, 3, 2, 1.0);
        return rows;
    }

    private static void addCondition(List<SampleRow> rows, Random rnd, String cond, String[] families, int prompts,
            int samples, double unclosedShare) {
        for (int p = 0; p < prompts; p++) {
            String family = families[p % families.length];
            double cotBias = rnd.nextDouble();
            double outBias = rnd.nextDouble();
            for (int k = 0; k < samples; k++) {
                boolean closed = rnd.nextDouble() >= unclosedShare;
                boolean answered = !family.equals("advice");
                Map<String, Double> s = new LinkedHashMap<>();
                Map<String, String> notes = new LinkedHashMap<>();
                for (String prefix : new String[] {"trait.caps", "judge.pirate"}) {
                    boolean judge = prefix.startsWith("judge");
                    if (judge && rnd.nextDouble() < 0.15) {
                        for (String part : new String[] {"cot", "cot_present", "output", "output_present"}) {
                            s.put(prefix + "." + part, null);
                            notes.put(prefix + "." + part, "judge failed");
                        }
                        continue;
                    }
                    double c = Math.min(1, Math.max(0, cotBias + 0.3 * (rnd.nextDouble() - 0.5)));
                    s.put(prefix + ".cot", c);
                    s.put(prefix + ".cot_present", c >= 0.5 ? 1.0 : 0.0);
                    if (closed) {
                        double o = Math.min(1, Math.max(0, outBias + 0.3 * (rnd.nextDouble() - 0.5)));
                        s.put(prefix + ".output", o);
                        s.put(prefix + ".output_present", o >= 0.5 ? 1.0 : 0.0);
                    } else {
                        s.put(prefix + ".output", null);
                        s.put(prefix + ".output_present", null);
                        notes.put(prefix + ".output", Scorers.NO_OUTPUT);
                    }
                }
                if (answered) {
                    s.put(Scorers.ACCURACY, closed && rnd.nextDouble() < 0.6 ? 1.0 : 0.0);
                }
                double wf = closed ? rnd.nextDouble() : 0;
                s.put(Scorers.WELL_FORMED_SCORE, wf);
                s.put(Scorers.WELL_FORMED, wf >= 0.4 ? 1.0 : 0.0);
                int cotTokens = 5 + rnd.nextInt(60);
                if (!cond.equals("persona")) {
                    s.put(Legibility.ODD_WORDS, (double) rnd.nextInt(4));
                    s.put(Legibility.FILLERS, (double) rnd.nextInt(3));
                    s.put(Legibility.LETTERS, (double) (cotTokens * 3));
                    s.put(Legibility.NON_LATIN_LETTERS, (double) rnd.nextInt(5));
                    s.put(Legibility.NGRAMS, (double) Math.max(0, cotTokens - 2));
                    s.put(Legibility.REPEATED_NGRAMS, (double) rnd.nextInt(3));
                }
                rows.add(new SampleRow(cond, cond + "-" + p, family, k, 1000L * p + k, answered ? "7" : null, null,
                        "cot " + p, closed ? "out " + p : "", closed, closed ? 1 : 0, 12, cotTokens,
                        closed ? 4 : 0, cotTokens + 5, closed ? "stop" : "length", s, notes,
                        family.equals("advice")));
            }
        }
    }

    static String metricsJson(Path dir, BootstrapSettings b) throws Exception {
        List<SampleRow> rows = rows();
        Path file = dir.resolve("metrics-" + b.method() + ".json");
        MetricsReport.write(file, new MetricsCalculator(b).compute(rows), b, rows.size());
        return Files.readString(file);
    }

    @Test
    void metricsJsonOfFixedRowsIsUnchanged() throws Exception {
        String percentile = metricsJson(dir, new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE, 0.95,
                200, 11));
        String bca = metricsJson(dir, new BootstrapSettings(BootstrapSettings.BootMethod.BCA, 0.9, 150, 5));
        String actual = percentile + bca;
        if (System.getenv("CHARLAB_WRITE_PINNED_METRICS") != null) {
            Files.createDirectories(PINNED.getParent());
            Files.writeString(PINNED, actual);
        }
        assertEquals(Files.readString(PINNED), actual, "metrics.json of the fixed rows changed");
    }
}
