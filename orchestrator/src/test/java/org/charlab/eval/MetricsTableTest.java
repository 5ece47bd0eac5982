package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/results-format.md's table of metric names is the one {@link MetricRegistry} generates, and lists what is computed. */
class MetricsTableTest {

    static final Path DOC = Path.of("../docs/results-format.md");
    static final String BEGIN = "<!-- generated from eval/MetricRegistry by MetricsTableTest: do not edit by hand -->\n";
    static final String END = "<!-- end of generated table -->\n";

    /** {@code doc} with the text between the markers replaced by {@code table}. */
    static String withTable(String doc, String table) {
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        assertTrue(b >= 0 && e > b, DOC + " lost the markers around the generated table of metric names");
        return doc.substring(0, b + BEGIN.length()) + table + doc.substring(e);
    }

    @Test
    void docsTableOfMetricNamesIsUpToDate() throws Exception {
        String actual = Files.readString(DOC);
        String expected = withTable(actual, MetricRegistry.markdownTable());
        if (System.getenv("CHARLAB_WRITE_REFERENCE") != null) {
            Files.writeString(DOC, expected);
            actual = expected;
        }
        assertEquals(expected, actual, "the table of metric names in docs/results-format.md is stale: regenerate it "
                + "with CHARLAB_WRITE_REFERENCE=1 mvn -B test -Dtest=MetricsTableTest");
    }

    /**
     * The pinned rows (MetricsPinnedTest) with trait likelihood scores as the eval writes them: one
     * value per (condition, prompt) for trait.caps and trait.neutral, and their difference.
     */
    static List<SampleRow> rich() {
        return MetricsPinnedTest.rows().stream().map(r -> {
            double neutral = -1 - Math.floorMod((r.condition() + r.promptId()).hashCode(), 7) / 10.0;
            double caps = neutral - 0.5 + Math.floorMod(r.promptId().hashCode(), 5) / 10.0;
            return r.withScores(java.util.Map.of("trait.neutral.loglik", neutral, "trait.caps.loglik", caps,
                    "trait.caps.loglik_vs_neutral", caps - neutral), java.util.Map.of());
        }).toList();
    }

    /** Every name the calculator writes matches one registry pattern, and every pattern is written on rich rows. */
    @Test
    void theRegistryNamesExactlyWhatTheCalculatorComputes() {
        List<MetricEntry> entries = new MetricsCalculator(new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE,
                0.95, 50, 1)).compute(rich());
        Set<String> used = new LinkedHashSet<>();
        for (MetricEntry e : entries) {
            List<String> matches = new ArrayList<>();
            for (Metric m : MetricRegistry.METRICS) {
                String regex = java.util.regex.Pattern.quote(m.name()).replace("<p>", "\\E(trait|judge)\\.[a-z_]+\\Q")
                        .replace("<family>", "\\E[a-z_]+\\Q");
                if (e.name().matches(regex)) {
                    matches.add(m.name());
                }
            }
            assertEquals(1, matches.size(), e.name() + " matches " + matches);
            used.add(matches.get(0));
        }
        List<String> all = MetricRegistry.METRICS.stream().map(Metric::name).toList();
        assertEquals(all, List.copyOf(new LinkedHashSet<>(all)), "metric names are unique");
        assertEquals(Set.copyOf(all), used, "every registered metric is computed on rows that have its scores");
    }

    @Test
    void outputSideMetricsAreTheRegistrysOverOutputsOnes() {
        for (Metric m : MetricRegistry.METRICS) {
            String example = m.name().replace("<p>", "trait.caps").replace("<family>", "arithmetic");
            assertEquals(m.overOutputs(), OutputMetrics.overOutputs(example), example);
        }
    }

    /**
     * A per-sample value is the one the reduction averages: on rich rows, each per-sample metric's
     * estimate is the mean of its per-sample values over the entry's rows, and {@code n} counts the
     * samples that have one (a value of NaN is no value).
     */
    @Test
    void perSampleValuesAverageToTheEstimateOfTheirMetric() {
        List<SampleRow> rows = rich();
        Set<String> checked = new LinkedHashSet<>();
        for (MetricEntry e : new MetricsCalculator(new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE,
                0.95, 50, 1)).compute(rows)) {
            MetricRegistry.Match match = MetricRegistry.match(e.name());
            assertTrue(match != null, e.name());
            ToDoubleFunction<SampleRow> f = match.metric().perSampleOn(match.prefix());
            if (f == null || !e.isDefined()) {
                continue;
            }
            double sum = 0;
            int n = 0;
            for (SampleRow r : rows) {
                double v = r.condition().equals(e.condition()) && r.inGroup(e.family()) ? f.applyAsDouble(r)
                        : Double.NaN;
                if (!Double.isNaN(v)) {
                    sum += v;
                    n++;
                }
            }
            assertEquals(e.n(), n, e.toString());
            assertEquals(e.estimate(), sum / n, 1e-12, e.toString());
            checked.add(match.metric().name());
        }
        assertEquals(MetricRegistry.METRICS.stream().filter(m -> m.perSample() != null).map(Metric::name)
                .collect(Collectors.toSet()), checked, "every per-sample metric was checked");
    }
}
