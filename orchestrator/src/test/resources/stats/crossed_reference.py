"""Reference numbers for CrossedDesignTest, computed independently of charlab with numpy and scipy.

Run: python3 crossed_reference.py (numpy 2.4, scipy 1.17). It prints the numbers the test asserts.
The formulas are those of CrossedDesign's class comment (two-way random-effects ANOVA on the table of
cell means, Satterthwaite df, Korn-Graubard 1998 for 0/1 values), written here from the textbook
definitions with numpy arrays (NaN = empty cell), not ported from the Java.
"""
import numpy as np
from scipy import stats


def table(samples):
    """samples: dict (seed, prompt) -> list of values. Returns the S x P table of cell means (NaN empty)."""
    seeds = sorted({s for s, _ in samples})
    prompts = sorted({p for _, p in samples})
    m = np.full((len(seeds), len(prompts)), np.nan)
    for (s, p), v in samples.items():
        if len(v):
            m[seeds.index(s), prompts.index(p)] = np.mean(v)
    return m


def crossed(m):
    m = m[~np.all(np.isnan(m), axis=1)][:, ~np.all(np.isnan(m), axis=0)]
    S, P = m.shape
    N = np.sum(~np.isnan(m))
    ys = np.nanmean(m, axis=1)
    yp = np.nanmean(m, axis=0)
    est = ys.mean()
    if S == 1:
        return dict(est=est, V=np.nanvar(m, ddof=1) / P, df=P - 1)
    msS = N / S * np.sum((ys - est) ** 2) / (S - 1)
    msP = N / P * np.sum((yp - yp.mean()) ** 2) / (P - 1)
    dfR = N - S - P + 1
    resid = m - ys[:, None] - yp[None, :] + np.nanmean(m)
    msR = np.nansum(resid ** 2) / dfR
    num = msS + msP - msR
    floored = num < max(msS, msP)
    num = max(num, msS, msP)
    df = num ** 2 / (msS ** 2 / (S - 1) + msP ** 2 / (P - 1) + msR ** 2 / dfR)
    df = min(max(df, 1), N - 1)
    return dict(est=est, msS=msS, msP=msP, msR=msR, V=num / N, df=df, floored=floored)


def t_interval(r, level=0.95):
    t = stats.t.ppf(1 - (1 - level) / 2, r["df"])
    se = np.sqrt(r["V"])
    return r["est"] - t * se, r["est"] + t * se


def korn_graubard(phat, V, df, n, level=0.95):
    a = 1 - level
    neff = n if phat in (0, 1) or V == 0 else min(n, phat * (1 - phat) / V)
    nstar = neff * (stats.norm.ppf(1 - a / 2) / stats.t.ppf(1 - a / 2, df)) ** 2
    x = phat * nstar
    low = 0 if x == 0 else stats.beta.ppf(a / 2, x, nstar - x + 1)
    high = 1 if x == nstar else stats.beta.ppf(1 - a / 2, x + 1, nstar - x)
    return low, high, nstar


A = {(0, 0): [1, 3], (0, 1): [2, 2], (0, 2): [5, 7], (0, 3): [0, 4],
     (1, 0): [2, 4], (1, 1): [3, 5], (1, 2): [6, 6], (1, 3): [1, 1],
     (2, 0): [3, 5], (2, 1): [7, 7], (2, 2): [12, 8], (2, 3): [5, 9]}
B = {(0, 0): [1, 1], (0, 1): [2, 0], (0, 2): [4, 4], (0, 3): [0, 0],
     (1, 0): [1, 3], (1, 1): [2, 2], (1, 2): [6, 4], (1, 3): [0, 2],
     (2, 0): [1, 1], (2, 1): [2, 4], (2, 2): [5, 5], (2, 3): [1, 3],
     (3, 0): [9, 9], (3, 1): [9, 9], (3, 2): [9, 9], (3, 3): [9, 9]}  # seed 3 only in B: dropped

np.set_printoptions(precision=17)
print("balanced 3x4:")
r = crossed(table(A)); print({k: repr(float(v)) for k, v in r.items()}, [repr(float(x)) for x in t_interval(r)])

print("difference A - B (seeds 0-2):")
mA, mB = table(A), table({k: v for k, v in B.items() if k[0] < 3})
r = crossed(mA - mB)
se = np.sqrt(r["V"])
p = 2 * stats.t.sf(abs(r["est"]) / se, r["df"])
print({k: repr(float(v)) for k, v in r.items()}, [repr(float(x)) for x in t_interval(r)], "p", repr(float(p)))

print("one seed (seed 0 of A):")
r = crossed(table({k: v for k, v in A.items() if k[0] == 0})); print({k: repr(float(v)) for k, v in r.items()}, [repr(float(x)) for x in t_interval(r)])

print("unbalanced (A without cell (1,2), cell (2,3) with one sample):")
U = dict(A); del U[(1, 2)]; U[(2, 3)] = [2]
r = crossed(table(U)); print({k: repr(float(v)) for k, v in r.items()}, [repr(float(x)) for x in t_interval(r)])

print("floor (strong interaction):")
F = {(s, p): [v] for s, row in enumerate([[0, 4, 0, 4], [4, 0, 4, 0], [1, 1, 1, 1]]) for p, v in enumerate(row)}
r = crossed(table(F)); print({k: repr(float(v)) for k, v in r.items()}, [repr(float(x)) for x in t_interval(r)])

print("binary 3 seeds x 8 prompts x 2 samples, Korn-Graubard:")
Y = {(s, p): [int(p < 2 + s or (p + k) % 5 == 0) for k in range(2)] for s in range(3) for p in range(8)}
r = crossed(table(Y)); n = 48
print({k: repr(float(v)) for k, v in r.items()}, [repr(float(x)) for x in korn_graubard(r["est"], r["V"], r["df"], n)])

print("all zero, 3 seeds x 40 prompts x 2 samples, Korn-Graubard with df = min(S-1, P-1) = 2:")
print([repr(float(x)) for x in korn_graubard(0.0, 0.0, 2, 240)])
