#!/usr/bin/env python3
"""NumPy counterpart of `charlab bench stats` (cli/BenchStatsCommand.java).

Same work, vectorised as a Python user would write it: 2,000 prompts x 4 samples of 0/1 data,
per-prompt sums computed once, 10,000 cluster-bootstrap resamples drawn as one (B, k) index
matrix, ratio estimator sum/count per resample, 95% percentile interval. Timed end to end from
the per-sample arrays, repeated; reports median and min wall time.

    python3 orchestrator/src/test/resources/stats/bench_numpy.py [--repetitions 30]

Tested with numpy 2.4.6. Peak memory: the index matrix is B*k int64 = 160 MB.
"""
import argparse
import time

import numpy as np


def cluster_bootstrap(values, ids, resamples, rng, level=0.95):
    k = int(ids.max()) + 1
    sums = np.bincount(ids, weights=values, minlength=k)
    counts = np.bincount(ids, minlength=k).astype(np.float64)
    idx = rng.integers(0, k, size=(resamples, k))
    reps = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    alpha = (1 - level) / 2
    low, high = np.quantile(reps, [alpha, 1 - alpha])
    return sums.sum() / counts.sum(), low, high


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prompts", type=int, default=2000)
    ap.add_argument("--samples", type=int, default=4)
    ap.add_argument("--resamples", type=int, default=10000)
    ap.add_argument("--repetitions", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    p = rng.random(a.prompts)
    values = (rng.random((a.prompts, a.samples)) < p[:, None]).astype(np.float64).ravel()
    ids = np.repeat(np.arange(a.prompts), a.samples)
    for _ in range(a.warmup):
        cluster_bootstrap(values, ids, a.resamples, np.random.default_rng(a.seed))
    times = []
    for _ in range(a.repetitions):
        t0 = time.perf_counter()
        est, low, high = cluster_bootstrap(values, ids, a.resamples, np.random.default_rng(a.seed))
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"numpy {np.__version__} cluster bootstrap: {a.prompts} prompts x {a.samples} samples, "
          f"{a.resamples} resamples")
    print(f"wall time over {a.repetitions} repetitions (after {a.warmup} warm-up): "
          f"median {np.median(times):.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms")
    print(f"interval: {est:.4f} [{low:.4f}, {high:.4f}]")


if __name__ == "__main__":
    main()
