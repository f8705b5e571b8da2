#!/usr/bin/env python3
"""Reference outputs of IMTL-G, Aligned-MTL and UPGrad from their published code, for Polyhead's Java ports.

NOT part of the build: the generated JSON is checked in and the Java test (AggregatorReferenceTest) only reads it.
Re-run this script only to regenerate it, with Debian's python3 (torch 1.13, numpy, cvxopt 1.3):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_aggregator_reference.py \\
        --libmtl /tmp/refcode --torchjd /tmp/refcode/torchjd/src

--libmtl is the folder holding LibMTL's package folder `LibMTL` (median-research-group/LibMTL at commit 4336804),
--torchjd the `src` folder of TorchJD (TorchJD/torchjd at commit 46962c2b). Nothing of either is copied into
Polyhead: their modules are imported from those paths. Their packages' __init__ files import more than this needs
(TorchJD's autojac needs torch >= 2), so the two package folders are registered as bare packages and only the
method modules are imported; every line of the methods' logic runs as published.

Both UPGrad implementations call `qpsolvers.solve_qp(P, q, G, h, solver="quadprog")`; neither qpsolvers nor quadprog
is installed here, so a module `qpsolvers` is registered whose solve_qp solves the same problem
(min 1/2 x'Px + q'x subject to Gx <= h) with cvxopt's interior-point QP at tolerances 1e-13. Only the solver is
replaced; the dual-cone projection, normalization and regularization are TorchJD's and LibMTL's code. Torch 1.13 has
no nn.Module.register_full_backward_pre_hook, which TorchJD's aggregators call in their constructors only to forbid
differentiating through them; a no-op stands in for it.

For random task-gradient matrices J (T x P, float32 values stored in the file, T = 1..6, some with linearly dependent
rows and with T > P) it records, in float64 computed from those float32 values:

  imtl_g       TorchJD IMTLG()(J) (direction) and IMTLGWeighting on J J' (weights); and where T > 1 and J J' is
               well conditioned (smallest eigenvalue > 1e-4 times the largest), LibMTL's IMTL.backward (IMTL-H at its initial loss scales 0, where it is IMTL-G) on the
               linear losses L_t = g_t . theta, whose gradients are exactly the rows of J: its weights alpha and
               the gradient it leaves on theta.
  aligned_mtl  TorchJD AlignedMTL()(J) and AlignedMTLWeighting (preference 1/T, scale "min"); LibMTL's
               Aligned_MTL.backward on the same linear losses (preference 1, i.e. T times TorchJD's), where
               conditioned as above.
  upgrad       TorchJD UPGrad()(J) and UPGradWeighting (preference 1/T, norm_eps = reg_eps = 1e-4); LibMTL's
               UPGrad.backward (same defaults passed as UPGrad_norm_eps / UPGrad_reg_eps), where conditioned;
               and the same weights by exact enumeration of the active bounds (upgrad_by_enumeration, numpy),
               since cvxopt's interior point stops about 1e-7 from the optimum when the Gramian is near singular.

TorchJD runs on J in float64 (so its results are float64 computations on the stored values); LibMTL runs in float32,
its default, as in training. Aligned-MTL's rank cutoff is torch.finfo().eps, the float32 epsilon, in both codes.
"""
import argparse
import importlib
import itertools
import json
import os
import sys
import types

import cvxopt
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def register_bare_package(name, path):
    module = types.ModuleType(name)
    module.__path__ = [path]
    sys.modules[name] = module


def cvxopt_solve_qp(P, q, G, h, solver=None):
    """qpsolvers.solve_qp's contract (min 1/2 x'Px + q'x s.t. Gx <= h), solved by cvxopt instead of quadprog."""
    cvxopt.solvers.options.update({"show_progress": False, "abstol": 1e-13, "reltol": 1e-13, "feastol": 1e-13,
                                   "maxiters": 200})
    sol = cvxopt.solvers.qp(cvxopt.matrix(P), cvxopt.matrix(q), cvxopt.matrix(G), cvxopt.matrix(h))
    if sol["status"] != "optimal":
        return None
    return np.array(sol["x"]).reshape(-1)


def load(libmtl, torchjd):
    if not hasattr(torch.nn.Module, "register_full_backward_pre_hook"):
        # torch 1.13 has no backward pre-hooks; TorchJD registers one only to raise if someone differentiates
        # through an aggregator, which this script never does
        torch.nn.Module.register_full_backward_pre_hook = lambda self, hook: None
    qpsolvers = types.ModuleType("qpsolvers")
    qpsolvers.solve_qp = cvxopt_solve_qp
    sys.modules["qpsolvers"] = qpsolvers
    register_bare_package("torchjd", os.path.join(torchjd, "torchjd"))
    register_bare_package("torchjd.aggregation", os.path.join(torchjd, "torchjd", "aggregation"))
    register_bare_package("LibMTL", os.path.join(libmtl, "LibMTL"))
    register_bare_package("LibMTL.weighting", os.path.join(libmtl, "LibMTL", "weighting"))
    m = {}
    for name in ["_imtl_g", "_aligned_mtl", "_upgrad"]:
        m[name] = importlib.import_module("torchjd.aggregation." + name)
    m["linalg"] = importlib.import_module("torchjd._linalg")
    for name in ["IMTL", "Aligned_MTL", "UPGrad"]:
        m[name] = importlib.import_module("LibMTL.weighting." + name)
    return m


def libmtl_run(cls, J, **kwargs):
    """LibMTL's method on the losses L_t = g_t . theta: returns (its weights, the gradient it leaves on theta)."""

    class Linear(cls):
        # what LibMTL's trainer mixes into a weighting: the shared parameters and how to clear their gradients
        def __init__(self, theta):
            super().__init__()
            self.theta = theta

        def get_share_params(self):
            return [self.theta]

        def zero_grad_share_params(self):
            self.theta.grad.zero_() if self.theta.grad is not None else None

    T, P = J.shape
    # LibMTL works in the default dtype, float32, as its trainer does: the rows of J are float32 values, so its
    # gradient matrix holds them exactly, but its Gram matrix and solves round to float32
    theta = torch.nn.Parameter(torch.zeros(P, dtype=torch.float32))
    w = Linear(theta)
    w.task_num, w.device, w.rep_grad = T, torch.device("cpu"), False
    w.init_param()
    g = torch.tensor(J, dtype=torch.float32)
    losses = torch.stack([g[t] @ theta for t in range(T)])
    alpha = w.backward(losses, **kwargs)
    return np.asarray(alpha, dtype=np.float64), theta.grad.detach().numpy().copy()


def upgrad_by_enumeration(J, norm_eps=1e-4, reg_eps=1e-4):
    """UPGrad's weights by an independent exact method: for each u = e_i/T, every choice of the tasks whose bound
    v_j >= u_j is active, the equality-constrained minimum of v'Qv on the others, keeping the best feasible one."""
    M = J @ J.T
    T = len(M)
    trace = np.trace(M)
    Q = (np.zeros_like(M) if trace < norm_eps else M / trace) + reg_eps * np.eye(T)
    alpha = np.zeros(T)
    for i in range(T):
        u = np.zeros(T)
        u[i] = 1 / T
        best = None
        for active in itertools.product([False, True], repeat=T):
            free = [j for j in range(T) if not active[j]]
            fixed = [j for j in range(T) if active[j]]
            v = u.copy()
            if free:
                v[free] = np.linalg.solve(Q[np.ix_(free, free)], -Q[np.ix_(free, fixed)] @ u[fixed])
            if np.all(v >= u - 1e-15) and (best is None or v @ Q @ v < best @ Q @ best):
                best = v
        alpha += best
    return alpha


def vec(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(x) for x in a.reshape(-1)]}


def make_cases(rng):
    cases = {}

    def add(name, J):
        cases[name] = np.asarray(J, dtype=np.float32).astype(np.float64)

    for T, P in [(2, 3), (2, 7), (3, 5), (3, 12), (4, 6), (5, 9), (6, 20)]:
        add(f"T{T}_P{P}", rng.standard_normal((T, P)))
    # very different scales
    add("T3_P8_scales", rng.standard_normal((3, 8)) * np.array([[0.01], [1.0], [50.0]]))
    # conflicting pair (negative inner product) and a third aligned with the first
    base = rng.standard_normal(6)
    add("T3_P6_conflict", np.stack([base, -0.7 * base + 0.3 * rng.standard_normal(6), base + 0.1 * rng.standard_normal(6)]))
    # linearly dependent rows: T > P, and an exact multiple
    add("T4_P2_dependent", rng.standard_normal((4, 2)))
    r = rng.standard_normal(5)
    add("T3_P5_multiple", np.stack([r, 2 * r, rng.standard_normal(5)]))
    add("T1_P4", rng.standard_normal((1, 4)))
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--libmtl", required=True, help="folder holding LibMTL's package folder LibMTL")
    ap.add_argument("--torchjd", required=True, help="TorchJD's src folder")
    args = ap.parse_args()
    m = load(args.libmtl, args.torchjd)
    gramian = m["linalg"].compute_gramian
    rng = np.random.default_rng(20261206)
    out = {}
    for name, J in make_cases(rng).items():
        T, P = J.shape
        Jt = torch.tensor(J, dtype=torch.float64)
        G = gramian(Jt)
        # LibMTL rounds to float32 (and IMTL inverts without a pseudo-inverse): compare with it only where the
        # Gram matrix is well conditioned
        eig = np.linalg.eigvalsh(J @ J.T)
        conditioned = T > 1 and eig[0] > 1e-4 * eig[-1]
        case = {"tasks": T, "dimension": P, "grads": vec(J), "libmtl": bool(conditioned)}

        methods = [  # key, TorchJD weighting and aggregator, LibMTL class and its keyword arguments
            ("imtl_g", m["_imtl_g"].IMTLGWeighting(), m["_imtl_g"].IMTLG(), m["IMTL"].IMTL, {}),
            ("aligned_mtl", m["_aligned_mtl"].AlignedMTLWeighting(), m["_aligned_mtl"].AlignedMTL(),
             m["Aligned_MTL"].Aligned_MTL, {}),
            ("upgrad", m["_upgrad"].UPGradWeighting(), m["_upgrad"].UPGrad(), m["UPGrad"].UPGrad,
             {"UPGrad_norm_eps": 1e-4, "UPGrad_reg_eps": 1e-4}),
        ]
        for key, weighting, aggregator, libmtl_class, kwargs in methods:
            entry = {"torchjd_weights": vec(weighting(G)), "torchjd_direction": vec(aggregator(Jt))}
            if conditioned:
                alpha, grad = libmtl_run(libmtl_class, J, **kwargs)
                entry["libmtl_weights"] = vec(alpha)
                entry["libmtl_direction"] = vec(grad)
            case[key] = entry
        case["upgrad"]["enumerated_weights"] = vec(upgrad_by_enumeration(J))
        out[name] = case

    doc = {"generator": "generate_aggregator_reference.py",
           "reference_code": {"LibMTL": "4336804", "TorchJD": "46962c2b"},
           "torch_version": torch.__version__, "numpy_version": np.__version__, "cvxopt_version": cvxopt.__version__,
           "description": "IMTL-G, Aligned-MTL and UPGrad weights and directions for float32 task-gradient matrices",
           "cases": out}
    with open(os.path.join(HERE, "aggregators.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
