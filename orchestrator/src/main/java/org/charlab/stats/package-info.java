/**
 * Uncertainty for charlab's metrics: bootstrap and Wilson intervals that record how they were
 * made (method, level, resamples, seed, resampling scheme) and reproduce bit for bit from them.
 *
 * <p>Which call for which question:
 * <ul>
 *   <li>a rate or mean over independent rows: {@link org.charlab.stats.Bootstrap#mean} or, for
 *       0/1 outcomes, {@link org.charlab.stats.Wilson#interval(long, long, double)};</li>
 *   <li>several samples per prompt: {@link org.charlab.stats.ClusterBootstrap#mean} (resamples
 *       prompts; estimates the mean over all samples);</li>
 *   <li>several training seeds: {@link org.charlab.stats.SeedBootstrap#seedMeans} (average within
 *       seed, then resample seeds) or {@link org.charlab.stats.SeedBootstrap#hierarchical};</li>
 *   <li>arm vs baseline on the same prompts: {@link org.charlab.stats.PairedBootstrap#difference}
 *       (interval and two-sided p-value);</li>
 *   <li>agreement of two per-prompt scores: {@link org.charlab.stats.Correlation}.</li>
 * </ul>
 *
 * <p>This package must stay engine-free: it never uses DJL (EngineFreeTest checks the sources), so statistics
 * load and run in milliseconds without native libraries. Hot loops use primitive arrays only.
 */
package org.charlab.stats;
