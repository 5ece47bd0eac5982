package org.charlab.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.stats.Clusters;
import org.charlab.stats.Correlation;
import org.charlab.stats.Interval;
import org.charlab.stats.PairedBootstrap;

/**
 * The reductions of the trait metrics ({@code <p>.*}, {@link MetricRegistry}) over the scores
 * {@code <p>.cot}, {@code <p>.output} (in [0,1]) and {@code <p>.cot_present},
 * {@code <p>.output_present} (0/1) of one slice. Output-side metrics count only the samples that
 * have an output ({@link OutputMetrics}): a CoT that never closed leaves the output unknown,
 * whatever the scores of older samples.jsonl files say.
 */
final class TraitMetrics {

    private TraitMetrics() {
    }

    /** Share of samples with an output whose output shows the trait; undefined when none has an output. */
    static MetricEntry outputRate(Reducers r, String name, Metric.Slice s) {
        String outP = s.prefix() + ".output_present";
        List<SampleRow> outputs = outputs(s);
        return outputs.isEmpty() && !s.rows().isEmpty() ? r.noOutputs(name, s.condition(), s.group())
                : r.rate(name, s.condition(), s.group(), Reducers.has(outputs, outP), x -> x.score(outP));
    }

    /** Why {@code <p>.output_rate_wellformed} has no value when no output is well formed. */
    static final String NO_WELL_FORMED = "no well-formed output";

    /**
     * The output rate over the well-formed outputs only ({@code quality.well_formed} 1): the trait's
     * rate on answers rather than on garble. Left out when no sample has a well-formedness score (the
     * scorer is off); undefined when no sample has an output or none is well formed.
     */
    static MetricEntry outputRateWellFormed(Reducers r, String name, Metric.Slice s) {
        if (Reducers.has(s.rows(), Scorers.WELL_FORMED).isEmpty()) {
            return null;
        }
        String outP = s.prefix() + ".output_present";
        List<SampleRow> outputs = outputs(s);
        if (outputs.isEmpty() && !s.rows().isEmpty()) {
            return r.noOutputs(name, s.condition(), s.group());
        }
        List<SampleRow> wellFormed = outputs.stream().filter(x -> wellFormed(x) && x.score(outP) != null).toList();
        if (wellFormed.isEmpty()) {
            return new MetricEntry(name, s.condition(), s.group(), r.undefined(NO_WELL_FORMED, 0, 0, "none"), 0, 0);
        }
        return r.rate(name, s.condition(), s.group(), wellFormed, x -> x.score(outP));
    }

    /** Whether a sample's output is well formed (false when not scored). */
    static boolean wellFormed(ScoredSample x) {
        Double w = x.score(Scorers.WELL_FORMED);
        return w != null && w == 1.0;
    }

    /** Share of samples whose CoT shows the trait, over every sample. */
    static MetricEntry cotRate(Reducers r, String name, Metric.Slice s) {
        String cotP = s.prefix() + ".cot_present";
        return r.rate(name, s.condition(), s.group(), Reducers.has(s.rows(), cotP), x -> x.score(cotP));
    }

    /** Output rate - CoT rate on the same samples: the paired bootstrap over prompts. */
    static MetricEntry gap(Reducers r, String name, Metric.Slice s) {
        Paired p = new Paired(s);
        Interval gap = p.k() == 0 ? r.undefined(p.none(), 0, 0, "paired-cluster")
                : PairedBootstrap.difference(p.ou(), p.co(), r.method(), r.level(), r.resamples(), r.seed()).interval();
        return new MetricEntry(name, s.condition(), s.group(), gap, p.both().size(), p.k());
    }

    /** Share of samples where CoT and output agree (both or neither show the trait). */
    static MetricEntry agreement(Reducers r, String name, Metric.Slice s) {
        Paired p = new Paired(s);
        String cotP = s.prefix() + ".cot_present";
        String outP = s.prefix() + ".output_present";
        return p.outputs().isEmpty() && !s.rows().isEmpty() ? r.noOutputs(name, s.condition(), s.group())
                : r.rate(name, s.condition(), s.group(), p.both(),
                        x -> x.score(cotP).doubleValue() == x.score(outP).doubleValue() ? 1.0 : 0.0);
    }

    static MetricEntry pearson(Reducers r, String name, Metric.Slice s) {
        return correlation(r, name, s, Correlation.Kind.PEARSON);
    }

    static MetricEntry spearman(Reducers r, String name, Metric.Slice s) {
        return correlation(r, name, s, Correlation.Kind.SPEARMAN);
    }

    /** Correlation of per-prompt mean scores (the continuous scores, not the 0/1 presence). */
    private static MetricEntry correlation(Reducers r, String name, Metric.Slice s, Correlation.Kind kind) {
        String cotS = s.prefix() + ".cot";
        String outS = s.prefix() + ".output";
        List<SampleRow> scored = outputs(s).stream().filter(x -> x.score(cotS) != null && x.score(outS) != null)
                .toList();
        Map<String, double[]> perPrompt = new LinkedHashMap<>();
        for (SampleRow x : scored) {
            double[] a = perPrompt.computeIfAbsent(x.promptId(), id -> new double[3]);
            a[0] += x.score(cotS);
            a[1] += x.score(outS);
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
        return r.correlation(name, s.condition(), s.group(), xc, yo, kind, scored.size());
    }

    /** CoT rate / output rate on the same samples: the paired bootstrap of the ratio; undefined at output rate 0. */
    static MetricEntry cotGeneralizationRatio(Reducers r, String name, Metric.Slice s) {
        Paired p = new Paired(s);
        Interval ratio;
        if (p.k() == 0) {
            ratio = r.undefined(p.none(), 0, 0, "paired-cluster-ratio");
        } else if (p.ou().pooledMean() == 0) {
            ratio = r.undefined("output rate is 0: the ratio CoT rate / output rate has no value", p.both().size() * 2,
                    p.k(), "paired-cluster-ratio");
        } else {
            ratio = PairedBootstrap.ratio(p.co(), p.ou(), r.method(), r.level(), r.resamples(), r.seed());
        }
        return new MetricEntry(name, s.condition(), s.group(), ratio, p.both().size(), p.k());
    }

    private static List<SampleRow> outputs(Metric.Slice s) {
        return s.rows().stream().filter(SampleRow::hasOutput).toList();
    }

    /** The samples with an output and both presence scores, as per-prompt clusters of each. */
    private record Paired(List<SampleRow> outputs, List<SampleRow> both, Clusters co, Clusters ou) {

        Paired(Metric.Slice s) {
            this(TraitMetrics.outputs(s), s.prefix() + ".cot_present", s.prefix() + ".output_present");
        }

        private Paired(List<SampleRow> outputs, String cotP, String outP) {
            this(outputs, outputs.stream().filter(x -> x.score(cotP) != null && x.score(outP) != null).toList(),
                    cotP, outP);
        }

        private Paired(List<SampleRow> outputs, List<SampleRow> both, String cotP, String outP) {
            this(outputs, both, Reducers.clusters(both, x -> x.score(cotP)), Reducers.clusters(both, x -> x.score(outP)));
        }

        int k() {
            return co.size();
        }

        String none() {
            return outputs.isEmpty() ? Reducers.NO_OUTPUTS : "no samples with both scores";
        }
    }
}
