package org.charlab.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * Observations grouped into clusters (for evals: the samples of one prompt), reduced once to a
 * sum and a count per cluster, which is all a cluster bootstrap needs. Cluster i (dense, in order
 * of first appearance) has the caller's id {@code id(i)}.
 */
public final class Clusters {

    final double[] sums;
    final int[] counts;
    final int[] ids;
    final int observations;
    final double total;
    /** The common cluster size, or 0 when sizes differ. */
    final int equalSize;

    private Clusters(double[] sums, int[] counts, int[] ids, int observations) {
        this.sums = sums;
        this.counts = counts;
        this.ids = ids;
        this.observations = observations;
        double t = 0;
        for (double s : sums) {
            t += s;
        }
        this.total = t;
        int size = counts.length == 0 ? 0 : counts[0];
        for (int c : counts) {
            if (c != size) {
                size = 0;
                break;
            }
        }
        this.equalSize = size;
    }

    /** Groups values[i] under clusterIds[i]; ids are arbitrary ints (e.g. prompt indices). */
    public static Clusters of(double[] values, int[] clusterIds) {
        if (values.length != clusterIds.length) {
            throw new IllegalArgumentException("values and cluster ids differ in length: "
                    + values.length + " vs " + clusterIds.length);
        }
        Map<Integer, Integer> dense = new HashMap<>();
        int[] denseOf = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            Integer d = dense.putIfAbsent(clusterIds[i], dense.size());
            denseOf[i] = d == null ? dense.size() - 1 : d;
        }
        int k = dense.size();
        double[] sums = new double[k];
        int[] counts = new int[k];
        int[] ids = new int[k];
        for (int i = 0; i < values.length; i++) {
            sums[denseOf[i]] += values[i];
            counts[denseOf[i]]++;
            ids[denseOf[i]] = clusterIds[i];
        }
        return new Clusters(sums, counts, ids, values.length);
    }

    /** Every observation its own cluster (the cluster bootstrap then equals the plain one). */
    public static Clusters singletons(double[] values) {
        int[] ids = new int[values.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return of(values, ids);
    }

    /** Number of clusters. */
    public int size() {
        return sums.length;
    }

    /** Number of observations over all clusters. */
    public int observations() {
        return observations;
    }

    /** The caller's id of dense cluster i. */
    public int id(int i) {
        return ids[i];
    }

    public double sum(int i) {
        return sums[i];
    }

    public int count(int i) {
        return counts[i];
    }

    /** Mean over all observations, each weighted equally: total / observations (NaN when empty). */
    public double pooledMean() {
        return observations == 0 ? Double.NaN : total / observations;
    }

    /** Per-cluster means. */
    public double[] means() {
        double[] m = new double[sums.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = sums[i] / counts[i];
        }
        return m;
    }

    /** Mean of the per-cluster means, each cluster weighted equally (NaN when empty). */
    public double meanOfMeans() {
        if (sums.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double m : means()) {
            s += m;
        }
        return s / sums.length;
    }
}
