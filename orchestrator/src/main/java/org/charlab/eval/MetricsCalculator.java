package org.charlab.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.charlab.stats.Bootstrap;
import org.charlab.stats.ClusterBootstrap;
import org.charlab.stats.Clusters;
import org.charlab.stats.Correlation;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
import org.charlab.stats.PairedBootstrap;
import org.charlab.stats.Wilson;

/**
 * Reduces scored samples to metrics with intervals (inspect_ai's metric step). Engine-free and
 * driven only by the rows, so {@code compare} and {@code report} can recompute any metric from a
 * samples.jsonl. Which interval each metric gets, and why, is documented in docs/results-format.md:
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

    private final Method method;
    private final double level;
    private final int resamples;
    private final long seed;

    public MetricsCalculator(BootstrapSettings b) {
        this.method = b.method().method();
        this.level = b.level();
        this.resamples = b.resamples();
        this.seed = b.seed();
    }

    /**
     * Every metric, conditions in order of first appearance, then "all", "in_distribution" and
     * "out_of_distribution" (when rows of each are present) and the families sorted.
     */
    public List<MetricEntry> compute(List<SampleRow> rows) {
        Map<String, List<SampleRow>> byCondition = new LinkedHashMap<>();
        for (SampleRow r : rows) {
            byCondition.computeIfAbsent(r.condition(), k -> new ArrayList<>()).add(r);
        }
        Set<String> prefixes = new LinkedHashSet<>();
        for (SampleRow r : rows) {
            for (String k : r.scores().keySet()) {
                if ((k.startsWith("trait.") || k.startsWith("judge.")) && k.endsWith(".cot_present")) {
                    prefixes.add(k.substring(0, k.length() - ".cot_present".length()));
                }
            }
        }
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
                    traitSuite(out, p, cond, g, gr);
                }
                rateOf(out, "quality.well_formed_rate", cond, g, gr, Scorers.WELL_FORMED);
                legibility(out, cond, g, gr);
                out.add(rate(OutputMetrics.UNCLOSED_SHARE, cond, g, gr, r -> r.hasOutput() ? 0.0 : 1.0));
            }
            for (String f : families) {
                List<SampleRow> fr = cr.stream().filter(r -> r.familyOrUnknown().equals(f)
                        && r.score(Scorers.ACCURACY) != null).toList();
                if (!fr.isEmpty()) {
                    out.add(rate("capability.accuracy." + f, cond, f, fr, r -> r.score(Scorers.ACCURACY)));
                }
            }
        }
        return out;
    }

    // ---- trait suite --------------------------------------------------------------------------

    /** Why an output-side metric has no value when no sample has an output. */
    static final String NO_OUTPUTS = "no sample has an output: every CoT never closed";

    void traitSuite(List<MetricEntry> out, String p, String cond, String g, List<SampleRow> rows) {
        String cotP = p + ".cot_present";
        String outP = p + ".output_present";
        List<SampleRow> outputs = rows.stream().filter(SampleRow::hasOutput).toList();
        List<SampleRow> withOut = has(outputs, outP);
        List<SampleRow> withCot = has(rows, cotP);
        List<SampleRow> both = outputs.stream().filter(r -> r.score(cotP) != null && r.score(outP) != null).toList();
        out.add(outputs.isEmpty() && !rows.isEmpty()
                ? noOutputs(p + ".output_rate", cond, g)
                : rate(p + ".output_rate", cond, g, withOut, r -> r.score(outP)));
        out.add(rate(p + ".cot_rate", cond, g, withCot, r -> r.score(cotP)));

        Clusters co = clusters(both, r -> r.score(cotP));
        Clusters ou = clusters(both, r -> r.score(outP));
        int k = co.size();
        String none = outputs.isEmpty() ? NO_OUTPUTS : "no samples with both scores";
        Interval gap = k == 0 ? undefined(none, 0, 0, "paired-cluster")
                : PairedBootstrap.difference(ou, co, method, level, resamples, seed).interval();
        out.add(new MetricEntry(p + ".gap", cond, g, gap, both.size(), k));
        out.add(outputs.isEmpty() && !rows.isEmpty()
                ? noOutputs(p + ".agreement", cond, g)
                : rate(p + ".agreement", cond, g, both,
                        r -> r.score(cotP).doubleValue() == r.score(outP).doubleValue() ? 1.0 : 0.0));

        // correlation of per-prompt mean scores (continuous scores, not the 0/1 presence)
        String cotS = p + ".cot";
        String outS = p + ".output";
        List<SampleRow> scored = outputs.stream().filter(r -> r.score(cotS) != null && r.score(outS) != null).toList();
        Map<String, double[]> perPrompt = new LinkedHashMap<>();
        for (SampleRow r : scored) {
            double[] a = perPrompt.computeIfAbsent(r.promptId(), x -> new double[3]);
            a[0] += r.score(cotS);
            a[1] += r.score(outS);
            a[2]++;
        }
        double[] xc = new double[perPrompt.size()];
        double[] yo = new double[perPrompt.size()];
        int i = 0;
        for (double[] a : perPrompt.values()) {
            xc[i] = a[0] / a[2];
            yo[i] = a[1] / a[2];
            i++;
        }
        out.add(correlation(p + ".pearson", cond, g, xc, yo, Correlation.Kind.PEARSON, scored.size()));
        out.add(correlation(p + ".spearman", cond, g, xc, yo, Correlation.Kind.SPEARMAN, scored.size()));

        Interval ratio;
        if (k == 0) {
            ratio = undefined(none, 0, 0, "paired-cluster-ratio");
        } else if (ou.pooledMean() == 0) {
            ratio = undefined("output rate is 0: the ratio CoT rate / output rate has no value", both.size() * 2, k,
                    "paired-cluster-ratio");
        } else {
            ratio = PairedBootstrap.ratio(co, ou, method, level, resamples, seed);
        }
        out.add(new MetricEntry(p + ".cot_generalization_ratio", cond, g, ratio, both.size(), k));
    }

    MetricEntry correlation(String name, String cond, String g, double[] x, double[] y, Correlation.Kind kind, int n) {
        Interval iv;
        if (x.length < 2) {
            iv = undefined("a correlation needs at least 2 prompts, got " + x.length, n, x.length, "iid-pairs");
        } else if (!Double.isFinite(kind == Correlation.Kind.PEARSON ? Correlation.pearson(x, y) : Correlation.spearman(x, y))) {
            iv = undefined("the CoT or the output scores are constant over prompts: correlation undefined", n,
                    x.length, "iid-pairs");
        } else {
            iv = Correlation.interval(x, y, kind, method, level, resamples, seed);
        }
        return new MetricEntry(name, cond, g, iv, n, x.length);
    }

    // ---- legibility ---------------------------------------------------------------------------

    void legibility(List<MetricEntry> out, String cond, String g, List<SampleRow> rows) {
        List<SampleRow> lr = has(rows, Legibility.ODD_WORDS);
        if (lr.isEmpty()) {
            return;
        }
        out.add(ratioOfSums("legibility.odd_words_per_1k", cond, g, lr, r -> r.score(Legibility.ODD_WORDS),
                SampleRow::cotTokens, 1000, "no CoT tokens"));
        out.add(ratioOfSums("legibility.non_latin_share", cond, g, lr, r -> r.score(Legibility.NON_LATIN_LETTERS),
                r -> r.score(Legibility.LETTERS), 1, "no letters in any CoT"));
        out.add(ratioOfSums("legibility.filler_rate", cond, g, lr, r -> r.score(Legibility.FILLERS),
                SampleRow::cotTokens, 1000, "no CoT tokens"));
        out.add(ratioOfSums("legibility.repeated_ngram_rate", cond, g, lr, r -> r.score(Legibility.REPEATED_NGRAMS),
                r -> r.score(Legibility.NGRAMS), 1, "no CoT is long enough for one n-gram"));
        out.add(mean("legibility.cot_tokens", cond, g, rows, SampleRow::cotTokens));
    }

    // ---- reducers -----------------------------------------------------------------------------

    void rateOf(List<MetricEntry> out, String name, String cond, String g, List<SampleRow> rows, String score) {
        List<SampleRow> s = has(rows, score);
        if (!s.isEmpty()) {
            out.add(rate(name, cond, g, s, r -> r.score(score)));
        }
    }

    /** A rate of 0/1 values: Wilson with one sample per prompt, else the cluster bootstrap over prompts. */
    MetricEntry rate(String name, String cond, String g, List<SampleRow> rows, ToDoubleFunction<SampleRow> v) {
        double[] x = new double[rows.size()];
        int[] ids = clusterIds(rows);
        for (int i = 0; i < x.length; i++) {
            x[i] = v.applyAsDouble(rows.get(i));
        }
        int k = distinct(ids);
        Interval iv = k == rows.size() ? Wilson.interval(x, level)
                : ClusterBootstrap.mean(x, ids, method, level, resamples, seed);
        return new MetricEntry(name, cond, g, iv, rows.size(), k);
    }

    /** A mean: the cluster bootstrap over prompts. */
    MetricEntry mean(String name, String cond, String g, List<SampleRow> rows, ToDoubleFunction<SampleRow> v) {
        double[] x = new double[rows.size()];
        int[] ids = clusterIds(rows);
        for (int i = 0; i < x.length; i++) {
            x[i] = v.applyAsDouble(rows.get(i));
        }
        int k = distinct(ids);
        return new MetricEntry(name, cond, g, ClusterBootstrap.mean(x, ids, method, level, resamples, seed),
                rows.size(), k);
    }

    /**
     * scale * sum(num) / sum(den) over all samples, with a cluster bootstrap that draws prompts and
     * recomputes the ratio of the drawn sums (resampling "cluster-ratio").
     */
    MetricEntry ratioOfSums(String name, String cond, String g, List<SampleRow> rows, ToDoubleFunction<SampleRow> num,
            ToDoubleFunction<SampleRow> den, double scale, String zeroReason) {
        Map<String, double[]> per = new LinkedHashMap<>();
        for (SampleRow r : rows) {
            double[] a = per.computeIfAbsent(r.promptId(), x -> new double[2]);
            a[0] += num.applyAsDouble(r);
            a[1] += den.applyAsDouble(r);
        }
        int k = per.size();
        double[] ns = new double[k];
        double[] ds = new double[k];
        int i = 0;
        double dTotal = 0;
        for (double[] a : per.values()) {
            ns[i] = a[0];
            ds[i] = a[1];
            dTotal += a[1];
            i++;
        }
        Interval iv;
        if (dTotal == 0) {
            iv = undefined(zeroReason, rows.size(), k, "cluster-ratio");
        } else {
            iv = Bootstrap.ofStatistic(k, (idx, len) -> {
                double sn = 0;
                double sd = 0;
                for (int j = 0; j < len; j++) {
                    sn += ns[idx[j]];
                    sd += ds[idx[j]];
                }
                return sd == 0 ? Double.NaN : scale * sn / sd;
            }, method, level, resamples, seed, rows.size(), "cluster-ratio");
        }
        return new MetricEntry(name, cond, g, iv, rows.size(), k);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** An output-side rate of a group none of whose samples has an output: undefined, not 0. */
    private MetricEntry noOutputs(String name, String cond, String g) {
        return new MetricEntry(name, cond, g, undefined(NO_OUTPUTS, 0, 0, "none"), 0, 0);
    }

    private Interval undefined(String reason, int n, int units, String scheme) {
        return Interval.undefined(reason, method, level, resamples, seed, n, units, scheme);
    }

    private static List<SampleRow> has(List<SampleRow> rows, String score) {
        Predicate<SampleRow> p = r -> r.score(score) != null;
        return rows.stream().filter(p).toList();
    }

    private static Clusters clusters(List<SampleRow> rows, ToDoubleFunction<SampleRow> v) {
        double[] x = new double[rows.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = v.applyAsDouble(rows.get(i));
        }
        return Clusters.of(x, clusterIds(rows));
    }

    /** Dense ints per prompt id, in order of first appearance. */
    static int[] clusterIds(List<SampleRow> rows) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.computeIfAbsent(rows.get(i).promptId(), x -> ids.size());
        }
        return out;
    }

    private static int distinct(int[] ids) {
        int max = -1;
        for (int id : ids) {
            max = Math.max(max, id);
        }
        return max + 1;
    }
}
