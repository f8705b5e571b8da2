#!/usr/bin/env python3
"""Reference solutions for Polyhead's gradient-level weighting solvers (MGDA, CAGrad, Nash-MTL).

NOT part of the build: the generated JSON is checked in and the Java tests only read it.
Re-run this script only to regenerate it:

    python3 core-java/src/test/resources/reference/generate_weighting_reference.py

Needs numpy and scipy (written against numpy 2.4, scipy 1.17). It writes next to itself
weighting_solvers.json with, for random task-gradient matrices G (T x P, float32 values,
T = 2..6, some with T > P so that 0 may lie in the convex hull):

  mgda    normalization 'none' and 'loss+': the min-norm weights and d = sum_t a_t g_t.
          Solved with SLSQP (ftol 1e-16), then polished by solving the KKT system exactly
          on the support {a_t > 1e-9} and verified (a >= 0, sum 1, (M a)_t >= a'Ma - 1e-8
          relative, equality on the support).
  cagrad  c = 0.5 and c = 0.2: w* = argmin_{w in simplex} w'M b + c ||g0|| sqrt(w'M w), b = 1/T,
          as the official code (Cranial-XIX/CAGrad, nyuv2/utils.py) but with tight tolerances;
          d = (g0 + c||g0||/||g_w|| g_w) / (1 + c^2). Solved twice, with SLSQP from 1/T and
          with SLSQP from every vertex mid-point, keeping the best; the script fails if the two
          disagree on F by more than 1e-12 relative.
  nash    the alpha > 0 with M alpha = 1/alpha (only for cases where 0 is not in the hull),
          from scipy.optimize.minimize (L-BFGS-B) of 0.5 a'Ma - sum log a, polished with
          scipy.optimize.root (hybr); the script fails unless the residual is < 1e-12.

Everything is computed in float64 from the float32 gradient values stored in the file.
Independent of the Java implementation: different algorithms (SQP, quasi-Newton, root
finding) on the same mathematical problems.
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import minimize, root

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240613)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def simplex_slsqp(fun, jac, x0):
    n = len(x0)
    res = minimize(fun, x0, jac=jac, method="SLSQP", bounds=[(0, 1)] * n,
                   constraints=[{"type": "eq", "fun": lambda x: np.sum(x) - 1, "jac": lambda x: np.ones(n)}],
                   options={"ftol": 1e-16, "maxiter": 2000})
    x = np.clip(res.x, 0, None)
    return x / x.sum()


def mgda_weights(M):
    n = len(M)
    a = simplex_slsqp(lambda x: x @ M @ x, lambda x: 2 * M @ x, np.ones(n) / n)
    # polish: exact KKT solve on the support
    S = [i for i in range(n) if a[i] > 1e-9]
    k = len(S)
    K = np.zeros((k + 1, k + 1))
    K[:k, :k] = M[np.ix_(S, S)]
    K[:k, k] = -1
    K[k, :k] = 1
    rhs = np.zeros(k + 1)
    rhs[k] = 1
    sol, *_ = np.linalg.lstsq(K, rhs, rcond=None)
    polished = np.zeros(n)
    polished[S] = sol[:k]
    if polished.min() >= 0 and polished @ M @ polished <= a @ M @ a + 1e-15 * np.trace(M):
        a = polished
    v = a @ M @ a
    scale = np.max(np.diag(M))
    Ma = M @ a
    assert abs(a.sum() - 1) < 1e-12 and a.min() >= 0
    assert np.all(Ma >= v - 1e-8 * scale), (Ma, v)
    return a


def cagrad_weights(M, c):
    n = len(M)
    b = np.ones(n) / n
    k = c * np.sqrt(b @ M @ b)

    def F(w):
        return w @ M @ b + k * np.sqrt(max(w @ M @ w, 0))

    def dF(w):
        nw = np.sqrt(max(w @ M @ w, 1e-300))
        return M @ b + k * (M @ w) / nw

    starts = [np.ones(n) / n]
    for i in range(n):
        for j in range(i + 1, n):
            s = np.zeros(n)
            s[i] = s[j] = 0.5
            starts.append(s)
    sols = [simplex_slsqp(F, dF, s) for s in starts]
    vals = [F(w) for w in sols]
    best = sols[int(np.argmin(vals))]
    first = F(sols[0])
    assert abs(first - min(vals)) <= 1e-12 * np.max(np.diag(M)), (first, min(vals))
    return best


def cagrad_direction(G, c):
    M = G @ G.T
    n = len(M)
    b = np.ones(n) / n
    g0 = b @ G
    w = cagrad_weights(M, c)
    gw = w @ G
    lam = c * np.linalg.norm(g0) / np.linalg.norm(gw)
    return w, (g0 + lam * gw) / (1 + c * c)


def nash_alpha(M):
    n = len(M)
    f = lambda a: 0.5 * a @ M @ a - np.sum(np.log(a))
    df = lambda a: M @ a - 1 / a
    a0 = 1 / np.sqrt(np.diag(M))
    res = minimize(f, a0, jac=df, method="L-BFGS-B", bounds=[(1e-12, None)] * n,
                   options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000})
    r = root(lambda a: M @ a - 1 / a, res.x, jac=lambda a: M + np.diag(1 / a ** 2), method="hybr",
             options={"xtol": 1e-15})
    a = r.x
    assert a.min() > 0
    resid = np.max(np.abs(M @ a * a - 1))
    assert resid < 1e-12, resid
    return a


def tensor(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(x) for x in a.ravel()]}


def f32_tensor(a):
    a = np.asarray(a, dtype=np.float32)
    # repr of a numpy float32 is the shortest decimal that reads back as the same float32
    return {"shape": list(a.shape), "data": [float(np.format_float_positional(x, unique=True)) for x in a.ravel()]}


def make_cases():
    specs = [(2, 3), (2, 5), (3, 2), (3, 4), (3, 8), (4, 3), (4, 6), (4, 12), (5, 5), (5, 9), (6, 4), (6, 10)]
    cases = {}
    for i, (T, P) in enumerate(specs):
        G = rng.standard_normal((T, P))
        # half of the cases: tasks with different scales and a shared component, as real gradients often have
        if i % 2 == 1:
            G = G * rng.uniform(0.1, 3.0, size=(T, 1)) + 0.7 * rng.standard_normal(P)
        G = f32(G)
        losses = f32(rng.uniform(0.2, 3.0, size=T))
        M = G @ G.T
        entry = {"tasks": T, "dimension": P, "grads": f32_tensor(G), "losses": f32_tensor(losses)}

        a = mgda_weights(M)
        entry["mgda_none"] = {"weights": tensor(a), "direction": tensor(a @ G), "min_norm_sq": float(a @ M @ a)}
        norms = np.sqrt(np.diag(M)) * losses
        Mn = M / np.outer(norms, norms)
        an = mgda_weights(Mn)
        entry["mgda_loss_plus"] = {"weights": tensor(an), "direction": tensor(an @ G)}

        for c in (0.5, 0.2):
            w, d = cagrad_direction(G, c)
            entry["cagrad_c%s" % c] = {"c": c, "weights": tensor(w), "direction": tensor(d)}

        if a @ M @ a > 1e-6 * np.max(np.diag(M)):
            alpha = nash_alpha(M)
            entry["nash"] = {"alpha": tensor(alpha), "direction": tensor(alpha @ G)}
        cases["T%d_P%d" % (T, P)] = entry
    return cases


def main():
    out = {
        "generator": "generate_weighting_reference.py",
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "description": "MGDA min-norm, CAGrad and Nash-MTL solutions for random float32 task-gradient matrices",
        "cases": make_cases(),
    }
    path = os.path.join(HERE, "weighting_solvers.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", path, "with", len(out["cases"]), "cases;",
          sum("nash" in c for c in out["cases"].values()), "with a Nash-MTL solution")


if __name__ == "__main__":
    main()
