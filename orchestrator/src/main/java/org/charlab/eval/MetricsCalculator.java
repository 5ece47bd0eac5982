package org.charlab.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.charlab.eval.Metric.Scope;

/**
 * Reduces scored samples to metrics with intervals (inspect_ai's metric step): the metrics of
 * {@link MetricRegistry}, on every slice of the rows their scope names, in the registry's order.
 * Engine-free and driven only by the rows, so {@code compare} and {@code report} can recompute any
 * metric from a samples.jsonl. Which interval each metric gets, and why, is documented in
 * docs/results-format.md ({@link Reducers}):
 * <ul>
 *   <li>rates of yes/no outcomes: Wilson when every prompt has one sample (independent trials),
 *       otherwise the cluster bootstrap over prompts (samples of one prompt are correlated);</li>
 *   <li>means and ratios of sums: the cluster bootstrap over prompts (with one sample per prompt
 *       that is the plain bootstrap);</li>
 *   <li>the CoT-output gap and the CoT generalization ratio: the paired bootstrap over prompts
 *       (both rates come from the same samples, so one draw of prompts serves both);</li>
 *   <li>correlations: the bootstrap of (CoT, output) pairs of per-prompt mean scores.</li>
 * </ul>
 * Metrics are computed per condition, over all families ("all"), over the in- and the
 * out-of-distribution families when the rows are marked ({@link SampleRow#ood}), and per family.
 * Trait metrics that read the output count only the samples that have one ({@link OutputMetrics}:
 * a CoT that never closed leaves the output unknown), whatever the scores of older samples.jsonl
 * files say; the unclosed-CoT share is reported for every group beside them.
 */
public final class MetricsCalculator {

    /** Why an output-side metric has no value when no sample has an output. */
    static final String NO_OUTPUTS = Reducers.NO_OUTPUTS;

    private final Reducers reducers;

    public MetricsCalculator(BootstrapSettings b) {
        this.reducers = new Reducers(b);
    }

    /**
     * {@link #compute(List)} of the rows plus, for each pool (a suffix set's entry name -> its
     * conditions, {@link Conditions#pools}), the rows of its conditions once more under the pool's
     * name: the pooled view's metrics, after the conditions'. A pooled rate is the rate over every
     * suffix's samples (with equal samples per suffix, the mean of the per-suffix rates, which is what
     * OCT reports); its interval resamples prompts, each prompt's samples under every suffix together,
     * so the suffixes' correlation on one prompt is accounted for.
     */
    public List<MetricEntry> compute(List<SampleRow> rows, Map<String, List<String>> pools) {
        List<SampleRow> all = new ArrayList<>(rows);
        pools.forEach((pool, members) -> {
            Set<String> m = Set.copyOf(members);
            rows.stream().filter(r -> m.contains(r.condition())).forEach(r -> all.add(r.withCondition(pool)));
        });
        return compute(all);
    }

    /**
     * Every metric, conditions in order of first appearance, then "all", "in_distribution" and
     * "out_of_distribution" (when rows of each are present) and the families sorted; in each
     * group the trait metrics of every prefix, then the other group metrics; then per family the
     * family metrics.
     */
    public List<MetricEntry> compute(List<SampleRow> rows) {
        Map<String, List<SampleRow>> byCondition = new LinkedHashMap<>();
        for (SampleRow r : rows) {
            byCondition.computeIfAbsent(r.condition(), k -> new ArrayList<>()).add(r);
        }
        Set<String> prefixes = new LinkedHashSet<>();
        Set<String> likelihoodOnly = new LinkedHashSet<>();
        for (SampleRow r : rows) {
            for (String k : r.scores().keySet()) {
                if ((k.startsWith("trait.") || k.startsWith("judge.")) && k.endsWith(".cot_present")) {
                    prefixes.add(k.substring(0, k.length() - ".cot_present".length()));
                } else if (k.startsWith("trait.") && k.endsWith(".loglik")) {
                    likelihoodOnly.add(k.substring(0, k.length() - ".loglik".length()));
                }
            }
        }
        // a trait whose likelihood is measured but that no detector scores (trait.neutral): likelihood metrics only
        likelihoodOnly.removeAll(prefixes);
        List<Metric> traitMetrics = MetricRegistry.of(Scope.TRAIT);
        List<Metric> likelihoodMetrics = traitMetrics.stream()
                .filter(m -> MetricRegistry.LIKELIHOOD.contains(m.name())).toList();
        List<Metric> groupMetrics = MetricRegistry.of(Scope.GROUP);
        List<Metric> familyMetrics = MetricRegistry.of(Scope.FAMILY);
        List<MetricEntry> out = new ArrayList<>();
        for (Map.Entry<String, List<SampleRow>> e : byCondition.entrySet()) {
            String cond = e.getKey();
            List<SampleRow> cr = e.getValue();
            Set<String> families = new TreeSet<>();
            cr.forEach(r -> families.add(r.familyOrUnknown()));
            List<String> groups = new ArrayList<>();
            groups.add(MetricEntry.ALL);
            if (cr.stream().anyMatch(r -> Boolean.FALSE.equals(r.ood()))) {
                groups.add(MetricEntry.IN_DISTRIBUTION);
            }
            if (cr.stream().anyMatch(r -> Boolean.TRUE.equals(r.ood()))) {
                groups.add(MetricEntry.OUT_OF_DISTRIBUTION);
            }
            groups.addAll(families);
            for (String g : groups) {
                List<SampleRow> gr = cr.stream().filter(r -> r.inGroup(g)).toList();
                for (String p : prefixes) {
                    add(out, traitMetrics, new Metric.Slice(p, cond, g, gr));
                }
                for (String p : likelihoodOnly) {
                    add(out, likelihoodMetrics, new Metric.Slice(p, cond, g, gr));
                }
                add(out, groupMetrics, new Metric.Slice(null, cond, g, gr));
            }
            for (String f : families) {
                add(out, familyMetrics, new Metric.Slice(null, cond, f, cr));
            }
        }
        return out;
    }

    private void add(List<MetricEntry> out, List<Metric> metrics, Metric.Slice slice) {
        for (Metric m : metrics) {
            MetricEntry e = m.compute(reducers, slice);
            if (e != null) {
                out.add(e);
            }
        }
    }
}
