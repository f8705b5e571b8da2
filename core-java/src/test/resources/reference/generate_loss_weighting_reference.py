#!/usr/bin/env python3
"""Reference values for Polyhead's loss-level weightings FAMO, GLS and STCH, from LibMTL's own code.

NOT part of the build: the generated JSON is checked in and the Java tests only read it.
Re-run this script only to regenerate it, with Debian's python3 (torch 1.13, numpy):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_loss_weighting_reference.py \
        --libmtl /tmp/refcode

where --libmtl is the folder that holds LibMTL's package folder `LibMTL` (LibMTL at commit 4336804). The
script loads `LibMTL/weighting/abstract_weighting.py` and each method's single file with importlib, under
empty stand-ins for the packages `LibMTL` and `LibMTL.weighting` (importing the real package pulls in cvxpy
for other methods); nothing of a method's logic is replaced. It writes loss_weightings_libmtl.json next to
itself: for each case, the per-task losses of a short sequence of steps (float32 values), and what the method
computed from them: the objective's value, its gradient with respect to each loss (the weights the model's
gradient gets), and the method's state after the step.

  famo  3 tasks, 4 steps: backward(losses) then update_w(losses after the step); FAMO_w_lr 0.025,
        FAMO_w_gamma 1e-3 (LibMTL's defaults), and a second case with lr 0.1, gamma 0.01.
  gls   2, 3 and 4 tasks, losses from 1e-3 to 50: backward(losses); the objective pow(prod(L), 1/T)
        recomputed as GLS.backward forms it.
  stch  3 tasks, STCH_warmup_epoch 1, 2 batches in each of epochs 0-3 (warm-up, averaging epoch for the
        nadir vector, then the smooth Tchebycheff phase), STCH_mu 1 and 0.5. The objective is recomputed
        as STCH.backward forms it, plus the term T * max_t l_t that it subtracts and does not add back
        (Polyhead reports the scalarization itself; the gradient is the same); the nadir vector is
        recorded after the averaging epoch.
"""
import argparse
import contextlib
import importlib.util
import json
import os
import sys
import types
import io

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def load_libmtl(root, *methods):
    """LibMTL's abstract_weighting and the named method modules, loaded from their files."""
    pkg = os.path.join(root, "LibMTL")
    for name, path in (("LibMTL", pkg), ("LibMTL.weighting", os.path.join(pkg, "weighting"))):
        m = types.ModuleType(name)
        m.__path__ = [path]
        sys.modules[name] = m
    out = {}
    for mod in ("abstract_weighting",) + methods:
        full = "LibMTL.weighting." + mod
        spec = importlib.util.spec_from_file_location(full, os.path.join(pkg, "weighting", mod + ".py"))
        m = importlib.util.module_from_spec(spec)
        sys.modules[full] = m
        spec.loader.exec_module(m)
        out[mod] = m
    return out


def f32(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32)]


def famo_case(FAMO, lr, gamma, sequence):
    w = FAMO()
    w.task_num = len(sequence[0][0])
    w.device = torch.device("cpu")
    w.init_param()
    steps = []
    for before, after in sequence:
        losses = torch.tensor(before, dtype=torch.float32, requires_grad=True)
        z = torch.softmax(w.w.detach(), -1)
        w.backward(losses, FAMO_w_lr=lr, FAMO_w_gamma=gamma)
        # LibMTL's FAMO.backward returns nothing; the objective is recomputed here as it does
        D = losses.detach() - w.min_losses + 1e-8
        objective = float((D.log() * z / (z / D).sum()).sum())
        w.update_w(torch.tensor(after, dtype=torch.float32))
        steps.append({"before": f32(before), "after": f32(after), "objective": objective,
                      "lossGradients": [float(g) for g in losses.grad],
                      "logitsAfter": [float(x) for x in w.w.detach()]})
    return {"lr": lr, "weightDecay": gamma, "steps": steps}


def gls_case(GLS, before):
    w = GLS()
    w.task_num = len(before)
    w.device = torch.device("cpu")
    losses = torch.tensor(before, dtype=torch.float32, requires_grad=True)
    w.backward(losses)
    objective = float(torch.pow(losses.detach().prod(), 1. / w.task_num))
    return {"steps": [{"before": f32(before), "objective": objective,
                       "lossGradients": [float(g) for g in losses.grad]}]}


def stch_case(STCH, mu, warmup, epochs):
    w = STCH()
    w.task_num = len(epochs[0][0])
    w.device = torch.device("cpu")
    w.init_param()
    steps = []
    for epoch, batches in enumerate(epochs):
        for before in batches:
            w.epoch = epoch
            losses = torch.tensor(before, dtype=torch.float32, requires_grad=True)
            with contextlib.redirect_stdout(io.StringIO()):  # STCH prints the nadir vector
                w.backward(losses, STCH_mu=mu, STCH_warmup_epoch=warmup)
            L = losses.detach()
            if epoch <= warmup:
                objective = float(torch.log(L + 1e-20).sum())
            else:
                l = torch.log(L / w.nadir_vector + 1e-20)
                m = torch.max(l)
                objective = float(mu * torch.log(torch.sum(torch.exp((l - m) / mu))) * w.task_num
                                  + w.task_num * m)
            step = {"epoch": epoch, "before": f32(before), "objective": objective,
                    "lossGradients": [float(g) for g in losses.grad]}
            if w.nadir_vector is not None:
                step["nadir"] = [float(v) for v in w.nadir_vector]
            steps.append(step)
    return {"mu": mu, "warmupEpochs": warmup, "steps": steps}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--libmtl", required=True, help="folder holding LibMTL's package folder LibMTL")
    args = ap.parse_args()
    mods = load_libmtl(args.libmtl, "FAMO", "GLS", "STCH")
    FAMO = mods["FAMO"].FAMO
    rng = np.random.default_rng(20261206)
    sequence = []
    losses = np.array([2.3, 0.9, 1.4])
    for _ in range(4):
        after = losses * rng.uniform(0.6, 1.05, size=3)
        sequence.append((f32(losses), f32(after)))
        losses = after * rng.uniform(0.9, 1.2, size=3)
    out = {"famo": [famo_case(FAMO, 0.025, 1e-3, sequence), famo_case(FAMO, 0.1, 0.01, sequence)]}
    GLS = mods["GLS"].GLS
    out["gls"] = [gls_case(GLS, [0.7, 2.4]), gls_case(GLS, [1e-3, 3.0, 0.45]),
                  gls_case(GLS, [50.0, 0.02, 1.3, 7.5])]
    STCH = mods["STCH"].STCH
    epochs = []
    losses = np.array([1.9, 0.6, 3.2])
    for _ in range(4):
        batches = []
        for _ in range(2):
            batches.append(f32(losses))
            losses = losses * rng.uniform(0.7, 1.1, size=3)
        epochs.append(batches)
    out["stch"] = [stch_case(STCH, 1.0, 1, epochs), stch_case(STCH, 0.5, 1, epochs)]
    with open(os.path.join(HERE, "loss_weightings_libmtl.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
