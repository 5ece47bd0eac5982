package org.charlab.stats;

/**
 * Intervals across training seeds, where seed s has its own samples (values[s], with prompt ids
 * clusters[s]). The estimate is always the mean over seeds of each seed's pooled mean, so every
 * seed weighs the same however many samples it has.
 *
 * <ul>
 *   <li>{@link #seedMeans}: "average within seed, then resample seeds" (Tan et al. 2025): each
 *       seed is reduced to its mean and the seed means are bootstrapped. It captures seed-to-seed
 *       variation only and treats each seed mean as exact. With 3 seeds there are only 10
 *       distinct resamples, so the interval is coarse; that is the data, not the code.</li>
 *   <li>{@link #hierarchical}: two-stage bootstrap: draw seeds with replacement, then within each
 *       drawn seed draw its prompts (clusters) with replacement, and average the resampled seed
 *       means. It adds prompt sampling noise to seed noise and is wider; prefer it when seeds are
 *       few and prompts per seed are few. BCa takes its acceleration from the leave-one-seed-out
 *       jackknife of the estimate.</li>
 * </ul>
 */
public final class SeedBootstrap {

    private SeedBootstrap() {
    }

    /** Average within seed, then bootstrap the seed means. values[s] are the samples of seed s. */
    public static Interval seedMeans(double[][] values, Method method, double level, int resamples, long seed) {
        Resampling.checkArgs(level, resamples);
        Resampling.checkBootstrapMethod(method);
        int seeds = values.length;
        int n = 0;
        double[] means = new double[seeds];
        for (int s = 0; s < seeds; s++) {
            n += values[s].length;
            if (values[s].length == 0) {
                return Interval.undefined("seed " + s + " has no observations", method, level, resamples, seed, n,
                        seeds, "seed-means");
            }
            double t = 0;
            for (double v : values[s]) {
                t += v;
            }
            means[s] = t / values[s].length;
        }
        if (seeds < 2) {
            return Interval.undefined(seeds == 0 ? "no seeds" : "resampling seeds needs at least 2 seeds, got 1",
                    method, level, resamples, seed, n, seeds, "seed-means");
        }
        double total = 0;
        for (double m : means) {
            total += m;
        }
        double[] reps = Bootstrap.meanReplicates(means, resamples, seed);
        double[] jack = method == Method.BCA ? Bootstrap.jackknifeMeans(means, total) : null;
        return Bootstrap.fromReplicates(total / seeds, reps, jack, method, level, seed, n, seeds, "seed-means");
    }

    /**
     * Resample seeds, then prompts within each drawn seed. clusters[s][i] is the prompt id of
     * values[s][i]; pass null for clusters to treat every sample as its own prompt.
     */
    public static Interval hierarchical(double[][] values, int[][] clusters, Method method, double level,
                                        int resamples, long seed) {
        Resampling.checkArgs(level, resamples);
        Resampling.checkBootstrapMethod(method);
        int seeds = values.length;
        Clusters[] perSeed = new Clusters[seeds];
        int n = 0;
        for (int s = 0; s < seeds; s++) {
            perSeed[s] = clusters == null ? Clusters.singletons(values[s]) : Clusters.of(values[s], clusters[s]);
            n += perSeed[s].observations();
            if (perSeed[s].size() == 0) {
                return Interval.undefined("seed " + s + " has no observations", method, level, resamples, seed, n,
                        seeds, "hierarchical");
            }
        }
        if (seeds < 2) {
            return Interval.undefined(seeds == 0 ? "no seeds" : "resampling seeds needs at least 2 seeds, got 1",
                    method, level, resamples, seed, n, seeds, "hierarchical");
        }
        double[] means = new double[seeds];
        double total = 0;
        for (int s = 0; s < seeds; s++) {
            means[s] = perSeed[s].pooledMean();
            total += means[s];
        }
        double[] reps = Resampling.replicates(resamples, seed, (rng, out, from, to) -> {
            for (int b = from; b < to; b++) {
                double acc = 0;
                for (int j = 0; j < seeds; j++) {
                    Clusters c = perSeed[rng.nextIndex(seeds)];
                    int k = c.size();
                    double sum = 0;
                    long count = 0;
                    for (int i = 0; i < k; i++) {
                        int d = rng.nextIndex(k);
                        sum += c.sums[d];
                        count += c.counts[d];
                    }
                    acc += sum / count;
                }
                out[b] = acc / seeds;
            }
        });
        double[] jack = method == Method.BCA ? Bootstrap.jackknifeMeans(means, total) : null;
        return Bootstrap.fromReplicates(total / seeds, reps, jack, method, level, seed, n, seeds, "hierarchical");
    }
}
