#!/usr/bin/env python3
"""Reference forward passes of LibMTL's own architecture modules (CGC, DSelect-k), for Polyhead's Ple and DSelectK.

NOT part of the build: the generated JSON (architectures_libmtl.json, next to this script) is checked in and the
Java tests only read it. Re-run this script only to regenerate it, with Debian's python3 (torch 1.13, numpy):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_architecture_reference.py --libmtl /tmp/refcode

where --libmtl is the folder that holds LibMTL's package folder `LibMTL` (written against LibMTL commit 4336804).
Nothing of LibMTL is copied: abstract_arch.py, MMoE.py and each method's file are loaded with importlib under empty
stand-ins for the packages `LibMTL` and `LibMTL.architecture` (the real package imports every method).

Each case builds the LibMTL module with seeded weights (torch.manual_seed), experts = Linear(F, H) + tanh
(encoder_class), decoders = Linear(H, O_t), runs it in eval mode on a seeded input x [N, F] and records every weight
(PyTorch's [out, in] layout), x and each task's output (float32 values).

  cgc       num_experts [shared, task a, task b]: [2, 1, 1] and [1, 2, 2]; LibMTL's gate orders the experts
            shared first, then the task's own (Tang et al. order the task's own first: the Java test permutes the
            gate's rows to compare).
  dselectK  num_experts 4 (a power of 2) and 5, num_nonzeros 2, kgamma 1.0, two tasks; z and w logits' weights
            drawn by LibMTL's own initialization.
"""
import argparse
import importlib.util
import json
import os
import sys
import types

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
F, H, N = 5, 3, 4
OUTS = {"a": 3, "b": 2}


def load_libmtl(root, *modules):
    """LibMTL's named architecture modules, loaded from their files in the order given."""
    pkg = os.path.join(root, "LibMTL")
    for name, path in (("LibMTL", pkg), ("LibMTL.architecture", os.path.join(pkg, "architecture"))):
        m = types.ModuleType(name)
        m.__path__ = [path]
        sys.modules[name] = m
    out = {}
    for mod in modules:
        full = "LibMTL.architecture." + mod
        spec = importlib.util.spec_from_file_location(full, os.path.join(pkg, "architecture", mod + ".py"))
        m = importlib.util.module_from_spec(spec)
        sys.modules[full] = m
        spec.loader.exec_module(m)
        out[mod] = m
    return out


class Expert(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(F, H)

    def forward(self, x):
        return torch.tanh(self.linear(x))


def tensor(t):
    t = t.detach().float()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).numpy().astype(np.float32)]}


def linear(m):
    return {"weight": tensor(m.weight), "bias": tensor(m.bias)}


def decoders():
    return nn.ModuleDict({t: nn.Linear(H, o) for t, o in OUTS.items()})


def outputs(model, x):
    model.eval()
    with torch.no_grad():
        out = model(x)
    return {t: tensor(out[t]) for t in OUTS}


def cgc_case(CGC, shared, own, seed):
    torch.manual_seed(seed)
    model = CGC(list(OUTS), Expert, decoders(), False, False, torch.device("cpu"),
                img_size=[F], num_experts=[shared] + [own] * len(OUTS))
    x = torch.randn(N, F)
    return {
        "sharedExperts": shared, "taskExperts": own, "x": tensor(x),
        "shared": [linear(e.linear) for e in model.experts_shared],
        "own": {t: [linear(e.linear) for e in model.experts_specific[t]] for t in OUTS},
        "gates": {t: linear(model.gate_specific[t][0]) for t in OUTS},
        "heads": {t: linear(model.decoders[t]) for t in OUTS},
        "outputs": outputs(model, x),
    }


def dselect_case(DSelect_k, experts, k, seed):
    torch.manual_seed(seed)
    model = DSelect_k(list(OUTS), Expert, decoders(), False, False, torch.device("cpu"),
                      img_size=[F], num_experts=[experts], num_nonzeros=k, kgamma=1.0)
    x = torch.randn(N, F)
    return {
        "experts": experts, "selectors": k, "gamma": 1.0, "x": tensor(x),
        "shared": [linear(e.linear) for e in model.experts_shared],
        "zLogits": {t: linear(model._z_logits[t]) for t in OUTS},
        "wLogits": {t: linear(model._w_logits[t]) for t in OUTS},
        "heads": {t: linear(model.decoders[t]) for t in OUTS},
        "outputs": outputs(model, x),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--libmtl", required=True, help="folder holding LibMTL's package folder LibMTL")
    args = ap.parse_args()
    mods = load_libmtl(args.libmtl, "abstract_arch", "MMoE", "CGC", "DSelect_k")
    result = {
        "cgc": [cgc_case(mods["CGC"].CGC, 2, 1, 1), cgc_case(mods["CGC"].CGC, 1, 2, 2)],
        "dselectK": [dselect_case(mods["DSelect_k"].DSelect_k, 4, 2, 3),
                     dselect_case(mods["DSelect_k"].DSelect_k, 5, 2, 4)],
    }
    with open(os.path.join(HERE, "architectures_libmtl.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
