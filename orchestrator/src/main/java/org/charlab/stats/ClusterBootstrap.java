package org.charlab.stats;

/**
 * Cluster bootstrap: resample whole clusters (prompts) with replacement, keeping every sample of a
 * drawn prompt together, so that samples of the same prompt, which are correlated, are not
 * counted as independent evidence (Miller 2024, "Adding Error Bars to Evals", clustered errors).
 *
 * <p>Two estimators, which agree when every prompt has the same number of samples:
 * <ul>
 *   <li>{@link Estimator#POOLED_MEAN} (default): the mean over all samples, sum of values / number
 *       of samples. A resample is the ratio (sum of drawn cluster sums) / (sum of drawn cluster
 *       counts). This is what "the rate over all samples" means and what the plain mean of a
 *       column reports; prompts with more samples weigh more.</li>
 *   <li>{@link Estimator#MEAN_OF_CLUSTER_MEANS}: the mean of per-prompt means, each prompt weighted
 *       equally; the bootstrap of it is the plain bootstrap of the cluster means.</li>
 * </ul>
 * BCa takes its acceleration from the leave-one-cluster-out jackknife.
 *
 * <p>Speed: per-cluster sums and counts are computed once; a resample is then k index draws and k
 * additions (no per-sample work, no boxing), chunked over both cores (see {@link Resampling}).
 */
public final class ClusterBootstrap {

    /** What the cluster bootstrap estimates; see the class comment. */
    public enum Estimator {
        POOLED_MEAN, MEAN_OF_CLUSTER_MEANS
    }

    private ClusterBootstrap() {
    }

    /** Interval for the pooled mean of values, clustered by clusterIds. */
    public static Interval mean(double[] values, int[] clusterIds, Method method, double level, int resamples,
                                long seed) {
        return of(Clusters.of(values, clusterIds), Estimator.POOLED_MEAN, method, level, resamples, seed);
    }

    public static Interval of(Clusters c, Estimator estimator, Method method, double level, int resamples,
                              long seed) {
        Resampling.checkArgs(level, resamples);
        Resampling.checkBootstrapMethod(method);
        int k = c.size();
        String scheme = estimator == Estimator.POOLED_MEAN ? "cluster" : "cluster-means";
        if (k < 2) {
            return Interval.undefined(k == 0 ? "no observations" : "a cluster bootstrap needs at least 2 clusters, got 1",
                    method, level, resamples, seed, c.observations(), k, scheme);
        }
        if (estimator == Estimator.MEAN_OF_CLUSTER_MEANS) {
            double[] means = c.means();
            double[] reps = Bootstrap.meanReplicates(means, resamples, seed);
            double total = 0;
            for (double m : means) {
                total += m;
            }
            double[] jack = method == Method.BCA ? Bootstrap.jackknifeMeans(means, total) : null;
            return Bootstrap.fromReplicates(total / k, reps, jack, method, level, seed, c.observations(), k, scheme);
        }
        double[] reps = ratioReplicates(c, resamples, seed);
        double[] jack = method == Method.BCA ? jackknifeRatio(c) : null;
        return Bootstrap.fromReplicates(c.pooledMean(), reps, jack, method, level, seed, c.observations(), k, scheme);
    }

    /** Replicates of (sum of drawn sums) / (sum of drawn counts), k clusters drawn per resample. */
    static double[] ratioReplicates(Clusters c, int resamples, long seed) {
        final double[] sums = c.sums;
        final int[] counts = c.counts;
        final int k = sums.length;
        if (c.equalSize > 0) {
            // Every cluster has the same size: the denominator is always k * size.
            final double denominator = (double) k * c.equalSize;
            return Resampling.replicates(resamples, seed, (rng, out, from, to) -> {
                for (int b = from; b < to; b++) {
                    double s0 = 0;
                    double s1 = 0;
                    int j = 0;
                    for (; j + 1 < k; j += 2) {
                        s0 += sums[rng.nextIndex(k)];
                        s1 += sums[rng.nextIndex(k)];
                    }
                    if (j < k) {
                        s0 += sums[rng.nextIndex(k)];
                    }
                    out[b] = (s0 + s1) / denominator;
                }
            });
        }
        return Resampling.replicates(resamples, seed, (rng, out, from, to) -> {
            for (int b = from; b < to; b++) {
                double s = 0;
                long n = 0;
                for (int j = 0; j < k; j++) {
                    int i = rng.nextIndex(k);
                    s += sums[i];
                    n += counts[i];
                }
                out[b] = s / n;
            }
        });
    }

    /** Leave-one-cluster-out pooled means: (total - sum_i) / (observations - count_i). */
    static double[] jackknifeRatio(Clusters c) {
        int k = c.size();
        double[] j = new double[k];
        for (int i = 0; i < k; i++) {
            j[i] = (c.total - c.sums[i]) / (c.observations - c.counts[i]);
        }
        return j;
    }
}
