/**
 * Uncertainty for charlab's metrics: bootstrap, Wilson, crossed-design t and Korn-Graubard
 * intervals that record how they were made (method, level, resamples, seed, scheme) and
 * reproduce bit for bit from them.
 *
 * <p>Which call for which question:
 * <ul>
 *   <li>a rate or mean over independent rows: {@link org.charlab.stats.Bootstrap#mean} or, for
 *       0/1 outcomes, {@link org.charlab.stats.Wilson#interval(long, long, double)};</li>
 *   <li>several samples per prompt: {@link org.charlab.stats.ClusterBootstrap#mean} (resamples
 *       prompts; estimates the mean over all samples);</li>
 *   <li>several training seeds, each evaluated on the same prompts (charlab's sweeps: seeds and
 *       prompts crossed): {@link org.charlab.stats.CrossedDesign#mean} (two-way random-effects
 *       variance with a Satterthwaite t, Korn-Graubard for 0/1 values; one seed generalises over
 *       prompts only) - what compare, report and expectations use;</li>
 *   <li>arm vs baseline over crossed seeds and prompts: {@link org.charlab.stats.CrossedDesign#difference}
 *       (paired on seed and prompt; t interval and two-sided p-value);</li>
 *   <li>a metric that is not a per-sample mean (a correlation, a ratio), one estimate per seed:
 *       {@link org.charlab.stats.StudentT#ofMeans} (t over seeds, for these prompts only);</li>
 *   <li>seeds with their own, independent prompts (nested, not charlab's design):
 *       {@link org.charlab.stats.SeedBootstrap#hierarchical} or {@link org.charlab.stats.SeedBootstrap#seedMeans};</li>
 *   <li>two arms of one seed on the same prompts: {@link org.charlab.stats.PairedBootstrap#difference}
 *       (interval and two-sided p-value; prompts only);</li>
 *   <li>agreement of two per-prompt scores: {@link org.charlab.stats.Correlation}.</li>
 * </ul>
 *
 * <p>This package must stay engine-free: it never uses DJL (EngineFreeTest checks the sources), so statistics
 * load and run in milliseconds without native libraries. Hot loops use primitive arrays only.
 */
package org.charlab.stats;
