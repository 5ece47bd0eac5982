#!/usr/bin/env python3
"""Writes reference.json, the external reference values the org.charlab.stats tests check.

Regenerate (from the repository root) with:

    python3 orchestrator/src/test/resources/stats/make_reference.py

Produced with python 3, numpy 2.4.6, scipy 1.17.1 (versions are recorded in the JSON). Every
number is computed here by scipy/numpy, never by charlab:

* quantiles: numpy.quantile (method 'linear') of a fixed array -> deterministic.
* jackknife values and the BCa acceleration a_hat: scipy's own _bca_interval (it returns a_hat
  for testing) -> deterministic given the data.
* bootstrap intervals: scipy.stats.bootstrap with 200,000 resamples (percentile and BCa), plus
  its standard_error, so the Java tests can derive a Monte Carlo tolerance (see BootstrapReferenceTest).
  The cluster bootstrap is expressed as scipy's paired bootstrap over (cluster sum, cluster count)
  with statistic sum/sum, which resamples and jackknifes whole clusters exactly as charlab does;
  the paired difference and the ratio of two rates likewise (PairedBootstrap.difference/ratio).
* Wilson: the closed formula evaluated here, plus the published worked examples of Newcombe
  (1998), Stat. Med. 17:857-872, Table I, method 3 (given to 4 decimals).
"""
import json
import os

import numpy as np
import scipy
from scipy import stats
from scipy.stats._resampling import _bca_interval

B = 200_000
HERE = os.path.dirname(os.path.abspath(__file__))


def mean_stat(x, axis=-1):
    return np.mean(x, axis=axis)


def ratio_stat(s, c, axis=-1):
    return np.sum(s, axis=axis) / np.sum(c, axis=axis)


def diff_stat(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def intervals(data, statistic, paired, seed):
    out = {}
    for method in ("percentile", "BCa"):
        res = stats.bootstrap(data, statistic, n_resamples=B, paired=paired, vectorized=True,
                              confidence_level=0.95, method=method, batch=20_000,
                              rng=np.random.default_rng(seed))
        out[method.lower()] = {"low": float(res.confidence_interval.low),
                               "high": float(res.confidence_interval.high),
                               "se": float(res.standard_error)}
    return out


def acceleration(data, statistic, paired=False):
    # a_hat does not depend on the bootstrap replicates; pass any replicates.
    theta_b = np.asarray(statistic(*data))[..., None] + np.array([-1.0, 1.0])
    if paired:
        # As scipy.stats.bootstrap(paired=True) does: one sample of observation indices, so the
        # jackknife leaves out whole pairs (here: whole clusters, or one prompt of both arms).
        unpaired, samples = statistic, data
        data = (np.arange(len(samples[0])),)

        def statistic(i, axis=-1):
            return unpaired(*[s[..., i] for s in samples], axis=axis)
    return float(_bca_interval(data, statistic, axis=-1, alpha=0.025, theta_hat_b=theta_b,
                               batch=None, xp=np)[2])


def wilson(k, n, level):
    z = stats.norm.ppf(1 - (1 - level) / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def main():
    rng = np.random.default_rng(20251103)
    ref = {"generator": "orchestrator/src/test/resources/stats/make_reference.py",
           "numpy": np.__version__, "scipy": scipy.__version__, "resamples": B, "level": 0.95}

    q_data = rng.normal(size=37)
    q_probs = [0.0, 0.01, 0.025, 0.1, 0.5, 0.9, 0.975, 0.99, 1.0]
    ref["quantiles"] = {"data": q_data.tolist(), "probs": q_probs,
                        "values": np.quantile(q_data, q_probs, method="linear").tolist()}

    samples = {
        "normal30": rng.normal(1.0, 2.0, size=30),
        "lognormal25": rng.lognormal(0.0, 1.5, size=25),  # strongly skewed: BCa != percentile
        "bernoulli60": (rng.random(60) < 0.3).astype(float),
    }
    ref["mean"] = {}
    for i, (name, x) in enumerate(samples.items()):
        jack = [float(np.mean(np.delete(x, j))) for j in range(len(x))]
        ref["mean"][name] = {"data": x.tolist(), "estimate": float(np.mean(x)), "jackknife": jack,
                             "acceleration": acceleration((x,), mean_stat),
                             **intervals((x,), mean_stat, False, 100 + i)}

    # Clusters: 50 prompts with 1..6 samples each, a prompt effect, and skewed values.
    k = 50
    sizes = rng.integers(1, 7, size=k)
    effect = rng.gamma(2.0, 1.0, size=k)
    values, ids = [], []
    for c in range(k):
        for _ in range(sizes[c]):
            values.append(float(effect[c] + rng.exponential(1.0)))
            ids.append(c)
    values, ids = np.array(values), np.array(ids)
    sums = np.bincount(ids, weights=values, minlength=k)
    counts = np.bincount(ids, minlength=k).astype(float)
    ref["cluster"] = {"values": values.tolist(), "ids": ids.tolist(),
                      "estimate": float(values.mean()),
                      "jackknife": [float((sums.sum() - sums[c]) / (counts.sum() - counts[c])) for c in range(k)],
                      "acceleration": acceleration((sums, counts), ratio_stat, paired=True),
                      **intervals((sums, counts), ratio_stat, True, 200)}

    # Paired arms on the same 40 prompts (shared prompt difficulty, arm A better by 0.3).
    diff = rng.normal(0, 1, size=40)
    a = diff + 0.3 + rng.normal(0, 0.5, size=40)
    b = diff + rng.normal(0, 0.5, size=40)
    ref["paired"] = {"a": a.tolist(), "b": b.tolist(), "estimate": float(a.mean() - b.mean()),
                     "acceleration": acceleration((a, b), diff_stat, paired=True),
                     **intervals((a, b), diff_stat, True, 300)}

    # Ratio of two rates on the same samples (CoT rate / output rate), 40 prompts, 2..5 samples.
    k = 40
    sizes = rng.integers(2, 6, size=k)
    p_out = rng.uniform(0.2, 0.9, size=k)
    out_v, cot_v, r_ids = [], [], []
    for c in range(k):
        for _ in range(sizes[c]):
            o = rng.random() < p_out[c]
            out_v.append(float(o))
            cot_v.append(float(o and rng.random() < 0.6))
            r_ids.append(c)
    out_v, cot_v, r_ids = np.array(out_v), np.array(cot_v), np.array(r_ids)
    s_cot = np.bincount(r_ids, weights=cot_v, minlength=k)
    s_out = np.bincount(r_ids, weights=out_v, minlength=k)
    cnt = np.bincount(r_ids, minlength=k).astype(float)

    def ratio_of_means(sa, ca, sb, cb, axis=-1):
        return (np.sum(sa, axis=axis) / np.sum(ca, axis=axis)) / (np.sum(sb, axis=axis) / np.sum(cb, axis=axis))

    rdata = (s_cot, cnt, s_out, cnt)
    ref["ratio"] = {"cot": cot_v.tolist(), "output": out_v.tolist(), "ids": r_ids.tolist(),
                    "estimate": float(cot_v.mean() / out_v.mean()),
                    "acceleration": acceleration(rdata, ratio_of_means, paired=True),
                    **intervals(rdata, ratio_of_means, True, 400)}

    ref["wilson_formula"] = [
        {"k": k_, "n": n_, "level": lv, "low": wilson(k_, n_, lv)[0], "high": wilson(k_, n_, lv)[1]}
        for k_, n_, lv in [(0, 10, 0.95), (10, 10, 0.95), (1, 29, 0.95), (81, 263, 0.95),
                           (15, 148, 0.9), (500, 1000, 0.99), (3, 7, 0.5), (1, 1, 0.95)]]
    ref["wilson_newcombe1998"] = [  # Table I, method 3 (score, no continuity correction), 95%
        {"k": 81, "n": 263, "low": 0.2553, "high": 0.3662},
        {"k": 15, "n": 148, "low": 0.0624, "high": 0.1605},
        {"k": 0, "n": 20, "low": 0.0, "high": 0.1611},
        {"k": 1, "n": 29, "low": 0.0061, "high": 0.1718},
    ]

    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    # Print what the Java tests compare, for a human reading the regeneration log.
    for name, r in ref["mean"].items():
        print(name, "a_hat", r["acceleration"], "pct", r["percentile"], "bca", r["bca"])
    print("cluster a_hat", ref["cluster"]["acceleration"], ref["cluster"]["bca"])
    print("paired", ref["paired"]["bca"])
    print("ratio", ref["ratio"]["estimate"], ref["ratio"]["bca"])
    for w in ref["wilson_newcombe1998"]:
        print("newcombe", w, "formula", wilson(w["k"], w["n"], 0.95))


if __name__ == "__main__":
    main()
