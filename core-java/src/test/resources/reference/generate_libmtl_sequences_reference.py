#!/usr/bin/env python3
"""Reference outputs of LibMTL's own GradVac, DB-MTL and MoCo over short sequences of steps.

NOT part of the build: the generated JSON (libmtl_sequences.json, next to this script) is checked
in and the Java tests only read it. Re-run this script only to regenerate it:

    /usr/bin/python3 core-java/src/test/resources/reference/generate_libmtl_sequences_reference.py \\
        --libmtl /tmp/refcode

where --libmtl is the folder that holds the LibMTL package folder (written against LibMTL commit
4336804, PyTorch 1.13, Debian's python3-torch). Nothing of LibMTL is copied: its method modules are
loaded from that path with importlib. Importing the LibMTL package itself would import every method
(and cvxpy for Nash-MTL), so empty package modules LibMTL and LibMTL.weighting are put in
sys.modules first; only abstract_weighting.py and the method's own file are executed.

The methods run as in LibMTL's trainer, on a stand-in for a model: the shared parameters are one
vector theta (P elements, at 0) and task t's loss is L_t = c_t + g_t . theta, so that every step
has exactly the per-task gradients g_t and losses c_t stored in the file (float32). The combined
gradient LibMTL writes into theta.grad is the expected output of that step; the method object is
kept across steps, so its state (GradVac's EMA targets, DB-MTL's gradient buffer, MoCo's y and
lambda) carries over as in training.

GradVac draws the order of each task's partners with Python's random.shuffle; the module's
`random` is replaced by a seeded random.Random whose shuffles are recorded, and the orders are
stored with each step so that the Java test feeds the same ones.
"""
import argparse
import importlib.util
import json
import os
import random
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def load_method(root, name):
    """The class `name` from <root>/LibMTL/weighting/<name>.py, importing nothing else of LibMTL."""
    for pkg, sub in (("LibMTL", "LibMTL"), ("LibMTL.weighting", "LibMTL/weighting")):
        if pkg not in sys.modules:
            m = types.ModuleType(pkg)
            m.__path__ = [os.path.join(root, sub)]
            sys.modules[pkg] = m
    for mod in ("abstract_weighting", name):
        full = "LibMTL.weighting." + mod
        if full not in sys.modules:
            spec = importlib.util.spec_from_file_location(full, os.path.join(root, "LibMTL", "weighting", mod + ".py"))
            module = importlib.util.module_from_spec(spec)
            sys.modules[full] = module
            spec.loader.exec_module(module)
    return sys.modules["LibMTL.weighting." + name]


def harness(method_class, tasks, dim):
    """An instance of the LibMTL method whose shared parameters are one vector theta."""
    theta = torch.nn.Parameter(torch.zeros(dim))

    class Harness(method_class):
        def __init__(self):
            super().__init__()
            self.task_num = tasks
            self.device = torch.device("cpu")
            self.rep_grad = False
            self.theta = theta

        def get_share_params(self):
            return [self.theta]

        def zero_grad_share_params(self):
            self.theta.grad.zero_()

    h = Harness()
    h.init_param()
    return h


def f32(a):
    return np.asarray(a, dtype=np.float32)


def tensor(a):
    """A tensor node {shape, data}; repr of a numpy float32 is the shortest decimal that reads back as it."""
    a = f32(a)
    return {"shape": list(a.shape), "data": [float(repr(x)) for x in a.ravel()]}


def step(h, g, c, **kwargs):
    """One LibMTL backward on gradients g (T x P) and losses c (T); returns theta.grad."""
    theta = h.theta
    gt = torch.tensor(g)
    losses = torch.stack([torch.tensor(c[t]) + gt[t] @ theta for t in range(len(c))])
    theta.grad = None
    h.backward(losses, **kwargs)
    return theta.grad.detach().numpy().copy()


def sequence(rng, tasks, dim, steps, loss_low=0.2, loss_high=3.0):
    """Per step: float32 gradients (tasks x dim, standard normal, the second task's drifting from the first's) and
    positive float32 losses."""
    base = rng.standard_normal((tasks, dim))
    out = []
    for _ in range(steps):
        g = f32(base + 0.8 * rng.standard_normal((tasks, dim)))
        c = f32(rng.uniform(loss_low, loss_high, tasks))
        out.append((g, c))
    return out


def gradvac_cases(root, rng):
    module = load_method(root, "GradVac")
    cases = []
    for tasks, dim, beta in ((2, 5, 0.5), (3, 4, 0.5), (3, 6, 0.1)):
        recorded = []

        class Recording:
            """Python's random with its shuffles recorded (the draws GradVac makes)."""
            def __init__(self, seed):
                self.r = random.Random(seed)

            def shuffle(self, xs):
                self.r.shuffle(xs)
                recorded.append(list(xs))

        module.random = Recording(tasks * 100 + dim)
        h = harness(module.GradVac, tasks, dim)
        steps = []
        for g, c in sequence(rng, tasks, dim, 6):
            recorded.clear()
            d = step(h, g, c, GradVac_beta=beta, GradVac_group_type=0)
            steps.append({"grads": tensor(g), "losses": tensor(c), "orders": [list(o) for o in recorded],
                          "direction": tensor(d)})
        cases.append({"tasks": tasks, "dimension": dim, "beta": beta, "steps": steps,
                      "targets": tensor(h.rho_T[:, :, 0].numpy())})
    return cases


def dbmtl_cases(root, rng):
    module = load_method(root, "DB_MTL")
    cases = []
    for tasks, dim, beta, sigma in ((2, 5, 0.9, 0.0), (3, 4, 0.5, 0.5)):
        h = harness(module.DB_MTL, tasks, dim)
        steps = []
        for g, c in sequence(rng, tasks, dim, 5):
            d = step(h, g, c, DB_beta=beta, DB_beta_sigma=sigma)
            steps.append({"grads": tensor(g), "losses": tensor(c), "direction": tensor(d)})
        cases.append({"tasks": tasks, "dimension": dim, "beta": beta, "beta_sigma": sigma, "steps": steps})
    return cases


def moco_cases(root, rng):
    module = load_method(root, "MoCo")
    cases = []
    for tasks, dim, settings in ((2, 5, (0.5, 0.5, 0.1, 0.5, 0.0)), (3, 4, (0.3, 0.0, 0.5, 0.25, 0.1))):
        h = harness(module.MoCo, tasks, dim)
        beta, beta_sigma, gamma, gamma_sigma, rho = settings
        steps = []
        for g, c in sequence(rng, tasks, dim, 5):
            d = step(h, g, c, MoCo_beta=beta, MoCo_beta_sigma=beta_sigma, MoCo_gamma=gamma,
                     MoCo_gamma_sigma=gamma_sigma, MoCo_rho=rho)
            steps.append({"grads": tensor(g), "losses": tensor(c), "direction": tensor(d),
                          "lambda": tensor(h.lambd.detach().numpy())})
        cases.append({"tasks": tasks, "dimension": dim, "settings": list(settings), "steps": steps})
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--libmtl", required=True, help="the folder holding the LibMTL package folder")
    args = parser.parse_args()
    rng = np.random.default_rng(20261206)
    torch.manual_seed(0)
    out = {
        "description": "LibMTL (commit 4336804) GradVac, DB-MTL and MoCo over sequences of steps on fixed float32 "
                       "per-task gradients and losses; made by generate_libmtl_sequences_reference.py",
        "torch": torch.__version__,
        "gradvac": gradvac_cases(args.libmtl, rng),
        "dbmtl": dbmtl_cases(args.libmtl, rng),
        "moco": moco_cases(args.libmtl, rng),
    }
    with open(os.path.join(HERE, "libmtl_sequences.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
