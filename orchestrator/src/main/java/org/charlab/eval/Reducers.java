package org.charlab.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.charlab.stats.Bootstrap;
import org.charlab.stats.ClusterBootstrap;
import org.charlab.stats.Clusters;
import org.charlab.stats.Correlation;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;
import org.charlab.stats.Wilson;

/**
 * How a column of per-sample scores becomes one number with its interval (the reducer between
 * inspect_ai's scorer and metric): a rate, a mean, a ratio of sums or a correlation, each with the
 * interval docs/results-format.md gives it. Every bootstrap of one evaluation uses the same method,
 * level, number of resamples and seed ({@link BootstrapSettings}), and samples of one prompt are
 * one cluster (they are correlated).
 */
public final class Reducers {

    /** Why an output-side metric has no value when no sample has an output. */
    static final String NO_OUTPUTS = "no sample has an output: every CoT never closed";

    private final Method method;
    private final double level;
    private final int resamples;
    private final long seed;

    public Reducers(BootstrapSettings b) {
        this.method = b.method().method();
        this.level = b.level();
        this.resamples = b.resamples();
        this.seed = b.seed();
    }

    Method method() {
        return method;
    }

    double level() {
        return level;
    }

    int resamples() {
        return resamples;
    }

    long seed() {
        return seed;
    }

    /** A rate of 0/1 values: Wilson with one sample per prompt, else the cluster bootstrap over prompts. */
    MetricEntry rate(String name, String cond, String g, List<SampleRow> rows, ToDoubleFunction<SampleRow> v) {
        double[] x = column(rows, v);
        int[] ids = clusterIds(rows);
        int k = distinct(ids);
        Interval iv = k == rows.size() ? Wilson.interval(x, level)
                : ClusterBootstrap.mean(x, ids, method, level, resamples, seed);
        return new MetricEntry(name, cond, g, iv, rows.size(), k);
    }

    /** The rate of score {@code score} over the rows that have it; null when none has it. */
    MetricEntry rateOf(String name, String cond, String g, List<SampleRow> rows, String score) {
        List<SampleRow> s = has(rows, score);
        return s.isEmpty() ? null : rate(name, cond, g, s, r -> r.score(score));
    }

    /** A mean: the cluster bootstrap over prompts. */
    MetricEntry mean(String name, String cond, String g, List<SampleRow> rows, ToDoubleFunction<SampleRow> v) {
        double[] x = column(rows, v);
        int[] ids = clusterIds(rows);
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

    /** The correlation of paired per-prompt values x and y: the bootstrap of pairs ("iid-pairs"). */
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

    /** An output-side rate of a group none of whose samples has an output: undefined, not 0. */
    MetricEntry noOutputs(String name, String cond, String g) {
        return new MetricEntry(name, cond, g, undefined(NO_OUTPUTS, 0, 0, "none"), 0, 0);
    }

    Interval undefined(String reason, int n, int units, String scheme) {
        return Interval.undefined(reason, method, level, resamples, seed, n, units, scheme);
    }

    static List<SampleRow> has(List<SampleRow> rows, String score) {
        return rows.stream().filter(r -> r.score(score) != null).toList();
    }

    static Clusters clusters(List<SampleRow> rows, ToDoubleFunction<SampleRow> v) {
        return Clusters.of(column(rows, v), clusterIds(rows));
    }

    /** The value of {@code v} on each row, in order. */
    private static double[] column(List<SampleRow> rows, ToDoubleFunction<SampleRow> v) {
        double[] x = new double[rows.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = v.applyAsDouble(rows.get(i));
        }
        return x;
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
