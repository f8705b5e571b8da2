#!/usr/bin/env python3
"""Reference forward passes of LibMTL's learning-to-branch module (LTB), for Polyhead's LearningToBranch.

NOT part of the build: the generated JSON (ltb_libmtl.json, next to this script) is checked in and the Java test
(LearningToBranchTest) only reads it. Re-run this script only to regenerate it, with Debian's python3 (torch 1.13):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_ltb_reference.py --libmtl /tmp/refcode

where --libmtl is the folder that holds LibMTL's package folder `LibMTL` (written against LibMTL commit 4336804).
Nothing of LibMTL is copied: abstract_arch.py and LTB.py are loaded from that path with the loader of
generate_architecture_reference.py.

LibMTL's LTB takes ResNet encoders; here each task's encoder is a stand-in with the attributes LTB reads: conv1 =
Linear(F, H), bn1 and maxpool = Identity, relu = Tanh (stage 0: Linear + tanh) and layer1..layer4 = Linear(H, H) +
Tanh (stages 1-4), so the tree has 5 stages and 4 branchings (LibMTL's alpha[1..4]; alpha[0] and alpha[5] are unused).
The model runs at epoch 10 of 100 (past LibMTL's warm-up), where LTB draws a hard Gumbel-softmax sample: each child
reads the parent arg max_j (alpha[i, t, j] + g[i, t, j]). The script draws the same Gumbel noise g from the same seed
as torch's gumbel_softmax does, checks that LibMTL's output equals a forward pass along those parents, and records
alpha + g ("perturbed"): Polyhead's evaluation-mode tree with its logits set to it must give the same outputs.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate_architecture_reference import load_libmtl, tensor, linear  # noqa: E402

F, H, N = 5, 3, 4
OUTS = {"a": 3, "b": 2, "c": 2}
EPOCH, EPOCHS = 10, 100


class Encoder(nn.Module):
    """The attributes of a torchvision ResNet that LibMTL's LTB reads, as small dense layers."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Linear(F, H)
        self.bn1 = nn.Identity()
        self.relu = nn.Tanh()
        self.maxpool = nn.Identity()
        for i in range(1, 5):
            setattr(self, "layer%d" % i, nn.Sequential(nn.Linear(H, H), nn.Tanh()))


def case(LTB, seed):
    torch.manual_seed(seed)
    decoders = nn.ModuleDict({t: nn.Linear(H, o) for t, o in OUTS.items()})
    model = LTB(list(OUTS), Encoder, decoders, False, False, torch.device("cpu"))
    model.epoch, model.epochs = EPOCH, EPOCHS
    enc = model.encoder
    with torch.no_grad():
        enc.alpha.copy_(torch.randn(enc.alpha.shape))
    x = torch.randn(N, F)
    state = torch.get_rng_state()
    with torch.no_grad():
        out = model(x)
    # the noise torch 1.13's gumbel_softmax drew: -log(Exp(1)) from the same generator state
    torch.set_rng_state(state)
    g = -torch.empty_like(enc.alpha).exponential_().log()
    perturbed = enc.alpha.detach() + g
    parents = perturbed.argmax(-1)
    # LibMTL's output must be a forward pass along these parents
    with torch.no_grad():
        reps = [enc.resnet_conv[t](x) for t in OUTS]
        for i in range(1, 5):
            reps = [enc.resnet_layer[str(i - 1)][c](reps[parents[i, c]]) for c in range(len(OUTS))]
        for c, t in enumerate(OUTS):
            assert torch.allclose(model.decoders[t](reps[c]), out[t], atol=1e-6), t
    tasks = list(OUTS)
    return {
        "x": tensor(x),
        "perturbed": [tensor(perturbed[i]) for i in range(1, 5)],
        "stem": {t: linear(enc.resnet_conv[t][0]) for t in tasks},
        "layers": [{t: linear(enc.resnet_layer[str(i)][c][0]) for c, t in enumerate(tasks)} for i in range(4)],
        "heads": {t: linear(model.decoders[t]) for t in tasks},
        "parents": [[int(p) for p in parents[i]] for i in range(1, 5)],
        "outputs": {t: tensor(out[t]) for t in tasks},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--libmtl", required=True, help="folder holding LibMTL's package folder LibMTL")
    args = ap.parse_args()
    mods = load_libmtl(args.libmtl, "abstract_arch", "LTB")
    result = {"ltb": [case(mods["LTB"].LTB, 1), case(mods["LTB"].LTB, 2)]}
    with open(os.path.join(HERE, "ltb_libmtl.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
