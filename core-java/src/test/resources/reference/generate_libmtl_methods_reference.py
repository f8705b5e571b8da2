#!/usr/bin/env python3
"""Reference outputs of LibMTL's own IMTL (the hybrid IMTL-H, whose loss scales are IMTL-L's), FairGrad, ExcessMTL, SDMGrad and GradDrop.

NOT part of the build: the generated JSON (libmtl_methods.json, next to this script) is checked in and the Java
tests only read it. Re-run this script only to regenerate it:

    /usr/bin/python3 core-java/src/test/resources/reference/generate_libmtl_methods_reference.py \\
        --libmtl /tmp/refcode

where --libmtl is the folder that holds the LibMTL package folder (written against LibMTL commit 4336804, PyTorch
1.13, Debian's python3-torch). Nothing of LibMTL is copied: the method modules are loaded from that path by
generate_libmtl_sequences_reference.py's loader (imported from next to this script), and the model stand-in is the
same: one shared vector theta (at 0) with task losses L_t = c_t + g_t . theta, so that each step has exactly the
stored float32 gradients g_t and losses c_t.

  imtl  LibMTL's IMTL.py (loss scales s_t, then IMTL-G on the gradients of e^{s_t} L_t - s_t), 2 and 3 tasks, 5
        steps each. After each step the scales take one SGD step, s <- s - lr * s.grad with lr 0.1, as LibMTL's
        trainer would with plain SGD; recorded per step: theta.grad (the update direction), the scales before the
        step and their gradient.
  fairgrad  LibMTL's FairGrad.py (scipy's least_squares on G G^T w = w^(-1/alpha), w >= 0, from 1/T; default
        tolerances 1e-8), 2, 3 and 4 tasks at alpha 0.5, 1, 2 and 5, one of them with gradients 30 times larger;
        recorded: the weights w (float64, as least_squares returns them) and theta.grad = sum_t w_t g_t. Stateless,
        so one step per case.
  excessmtl  LibMTL's ExcessMTL.py, 2 tasks (robust_step_size 0.01, LibMTL's default) and 3 tasks (0.5), 6 steps
        each with the method object kept (its squared-gradient sums, first-step values and loss weights carry
        over); its `encoder` is the stand-in's theta. Recorded per step: theta.grad and the loss weights.
  sdmgrad  LibMTL's SDMGrad.py, which takes three batches' losses per step (zeta, xi1, xi2); Polyhead maps it onto
        one batch, so the same losses are passed three times. 2 tasks (SDMGrad_lamda 0.3, SDMGrad_niter 20,
        LibMTL's defaults) and 3 tasks (0.5, 5), 5 steps each with the method object kept (its weights w carry
        over). Recorded per step: theta.grad and w.
  graddrop  LibMTL's GradDrop.py, which acts on gradients of the shared representation: the stand-in is a
        representation z ([batch, features], standard normal with one entry 0) whose per-task copies r_t (as
        LibMTL's rep_tasks) give L_t = c_t + sum(G_t * r_t), so each task's representation gradient is the stored
        G_t. torch.rand_like, GradDrop's one random draw, is replaced by a function returning a stored uniform
        float32 vector U; recorded: U and z.grad (the combined representation gradient). Cases: 2 tasks, batch 3,
        4 features, leak 0 (LibMTL's default); 3 tasks, batch 2, 5 features, leak 0.3.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate_libmtl_sequences_reference import harness, load_method, sequence, tensor  # noqa: E402

SCALE_LR = 0.1


def imtl_cases(root, rng):
    module = load_method(root, "IMTL")
    cases = []
    for tasks, dim in ((2, 5), (3, 4)):
        h = harness(module.IMTL, tasks, dim)
        theta = h.theta
        steps = []
        for g, c in sequence(rng, tasks, dim, 5):
            gt = torch.tensor(g)
            losses = torch.stack([torch.tensor(c[t]) + gt[t] @ theta for t in range(tasks)])
            theta.grad = None
            h.loss_scale.grad = None
            before = h.loss_scale.detach().numpy().copy()
            h.backward(losses)
            steps.append({"grads": tensor(g), "losses": tensor(c), "scales": tensor(before),
                          "scale_grads": tensor(h.loss_scale.grad.numpy()),
                          "direction": tensor(theta.grad.detach().numpy())})
            with torch.no_grad():
                h.loss_scale -= SCALE_LR * h.loss_scale.grad
        cases.append({"tasks": tasks, "dimension": dim, "scale_lr": SCALE_LR, "steps": steps})
    return cases


def fairgrad_cases(root, rng):
    module = load_method(root, "FairGrad")
    cases = []
    for tasks, dim, alpha, scale in ((2, 5, 1.0, 1.0), (3, 5, 0.5, 1.0), (3, 6, 2.0, 30.0), (4, 6, 5.0, 1.0),
                                     (4, 5, 1.0, 1.0), (2, 4, 2.0, 1.0)):
        h = harness(module.FairGrad, tasks, dim)
        theta = h.theta
        (g, c), = sequence(rng, tasks, dim, 1)
        g = (g * np.float32(scale)).astype(np.float32)
        gt = torch.tensor(g)
        losses = torch.stack([torch.tensor(c[t]) + gt[t] @ theta for t in range(tasks)])
        theta.grad = torch.zeros(dim)  # LibMTL zeroes the shared gradients after each autograd row
        w = h.backward(losses, FairGrad_alpha=alpha)
        cases.append({"tasks": tasks, "dimension": dim, "alpha": alpha, "grads": tensor(g), "losses": tensor(c),
                      "weights": [float(x) for x in w], "direction": tensor(theta.grad.detach().numpy())})
    return cases


def excessmtl_cases(root, rng):
    module = load_method(root, "ExcessMTL")
    cases = []
    for tasks, dim, step_size in ((2, 5, 0.01), (3, 4, 0.5)):
        h = harness(module.ExcessMTL, tasks, dim)
        h.encoder = torch.nn.ParameterList([h.theta])
        theta = h.theta
        steps = []
        for g, c in sequence(rng, tasks, dim, 6):
            gt = torch.tensor(g)
            losses = torch.stack([torch.tensor(c[t]) + gt[t] @ theta for t in range(tasks)])
            theta.grad = torch.zeros(dim)
            w = h.backward(losses, robust_step_size=step_size)
            steps.append({"grads": tensor(g), "losses": tensor(c), "weights": tensor(w),
                          "direction": tensor(theta.grad.detach().numpy())})
        cases.append({"tasks": tasks, "dimension": dim, "step_size": step_size, "steps": steps})
    return cases


def sdmgrad_cases(root, rng):
    module = load_method(root, "SDMGrad")
    cases = []
    for tasks, dim, lamda, niter in ((2, 5, 0.3, 20), (3, 4, 0.5, 5)):
        h = harness(module.SDMGrad, tasks, dim)
        theta = h.theta
        steps = []
        for g, c in sequence(rng, tasks, dim, 5):
            gt = torch.tensor(g)
            losses = torch.stack([torch.tensor(c[t]) + gt[t] @ theta for t in range(tasks)])
            theta.grad = None
            h.backward(torch.stack([losses, losses, losses]), SDMGrad_lamda=lamda, SDMGrad_niter=niter)
            steps.append({"grads": tensor(g), "losses": tensor(c), "weights": tensor(h.w.detach().numpy()),
                          "direction": tensor(theta.grad.detach().numpy())})
        cases.append({"tasks": tasks, "dimension": dim, "lambda": lamda, "iterations": niter, "steps": steps})
    return cases


def graddrop_cases(root, rng):
    module = load_method(root, "GradDrop")
    cases = []
    for tasks, batch, features, leak in ((2, 3, 4, 0.0), (3, 2, 5, 0.3)):
        h = harness(module.GradDrop, tasks, 1)
        h.rep_grad = True
        h.task_name = ["t%d" % t for t in range(tasks)]
        z = rng.standard_normal((batch, features)).astype(np.float32)
        z[0, 1] = 0
        g = (rng.standard_normal((tasks, batch, features)) + 0.5 * rng.standard_normal((1, batch, features)))
        g = g.astype(np.float32)
        c = rng.uniform(0.2, 3.0, tasks).astype(np.float32)
        u = rng.uniform(0, 1, features).astype(np.float32)
        h.rep = torch.tensor(z, requires_grad=True)
        h.rep_tasks = {}
        losses = []
        for t, name in enumerate(h.task_name):
            r = h.rep.detach().clone().requires_grad_(True)
            h.rep_tasks[name] = r
            losses.append(torch.tensor(c[t]) + (torch.tensor(g[t]) * r).sum())
        original = module.torch.rand_like
        module.torch.rand_like = lambda p: torch.tensor(u)
        try:
            h.backward(torch.stack(losses), leak=leak)
        finally:
            module.torch.rand_like = original
        cases.append({"tasks": tasks, "leak": leak, "representation": tensor(z), "grads": tensor(g),
                      "losses": tensor(c), "uniform": tensor(u), "direction": tensor(h.rep.grad.numpy())})
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--libmtl", required=True, help="the folder holding the LibMTL package folder")
    args = parser.parse_args()
    rng = np.random.default_rng(20261207)
    torch.manual_seed(0)
    out = {
        "description": "LibMTL (commit 4336804) IMTL, ExcessMTL and SDMGrad (one batch for its three) over sequences of steps, FairGrad, and GradDrop under a fixed uniform draw, on fixed float32 per-task gradients "
                       "and losses; made by generate_libmtl_methods_reference.py",
        "torch": torch.__version__,
        "imtl": imtl_cases(args.libmtl, rng),
        "fairgrad": fairgrad_cases(args.libmtl, rng),
        "excessmtl": excessmtl_cases(args.libmtl, rng),
        "sdmgrad": sdmgrad_cases(args.libmtl, rng),
        "graddrop": graddrop_cases(args.libmtl, rng),
    }
    with open(os.path.join(HERE, "libmtl_methods.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
