#!/usr/bin/env python3
"""Reference values for cross-entropy over the tokens of padded sequences: PyTorch 1.13 (Debian's python3-torch),
float64.

Writes token_losses.json next to this script. Run (not needed by the build; the fixture is committed):
    /usr/bin/python3 core-java/src/test/resources/reference/generate_token_loss_reference.py

Each case: per-token logits [B, T, C] (classes last, a tagger's head at every step), targets [B, T] and a mask
[B, T] (1 at a sentence's labelled tokens, 0 at padding and at missing labels), optionally class_weights (torch's
`weight`), label_smoothing and sample_weights [B] (one per sentence), and a reduction (mean, sum, none). The truth
is torch's own
    F.cross_entropy(logits.reshape(-1, C), y.reshape(-1), ignore_index=-100, weight=w, label_smoothing=eps,
                    reduction=r)
with y = the target where the mask is 1 and -100 elsewhere (reduction "none" reshaped to [B, T], 0 at ignored
tokens). With sample weights (which torch has no argument for) the per-token losses of torch's reduction "none"
are multiplied by their sentence's weight and reduced as torch reduces: the sum, or the sum divided by what torch's
mean divides by (the labelled tokens, or their targets' class weights), so that without sample weights this equals
torch's own reduction (asserted). Gradients: of the loss (of sum(loss * seed) for "none") w.r.t. the logits.
"""
import os

import torch
import torch.nn.functional as F

import generate_reference as ref

HERE = os.path.dirname(os.path.abspath(__file__))
IGNORE = -100
torch.set_num_threads(1)


def run(case, dtype):
    inp, params, reduction = case["_inputs"], case["params"], case["reduction"]
    logits = inp["logits"].to(dtype).clone().requires_grad_(True)
    b, t, c = logits.shape
    mask = inp["mask"]
    y = torch.where(mask > 0, inp["target"].to(torch.long), torch.full_like(inp["target"], IGNORE).to(torch.long))
    w = params.get("class_weights")
    weight = None if w is None else torch.tensor(w, dtype=dtype)
    eps = params.get("label_smoothing", 0.0)
    flat_logits, flat_y = logits.reshape(-1, c), y.reshape(-1)
    if "sample_weights" not in inp:
        loss = F.cross_entropy(flat_logits, flat_y, weight=weight, ignore_index=IGNORE, label_smoothing=eps,
                               reduction=reduction)
    else:
        per = F.cross_entropy(flat_logits, flat_y, weight=weight, ignore_index=IGNORE, label_smoothing=eps,
                              reduction="none")
        scaled = per * inp["sample_weights"].to(dtype).repeat_interleave(t)
        if reduction == "none":
            loss = scaled
        elif reduction == "sum":
            loss = scaled.sum()
        else:
            keep = flat_y != IGNORE
            den = weight[flat_y[keep]].sum() if weight is not None else keep.sum().to(dtype)
            loss = scaled.sum() / den
            own = F.cross_entropy(flat_logits, flat_y, weight=weight, ignore_index=IGNORE, label_smoothing=eps,
                                  reduction="mean")
            plain = per.sum() / den
            assert torch.allclose(plain, own, rtol=1e-9), (float(plain), float(own))
    if reduction == "none":
        loss = loss.reshape(b, t)
        (loss * inp["seed"].to(dtype)).sum().backward()
    else:
        loss.backward()
    return {"loss": ref.tensor(loss.detach()), "grad_logits": ref.tensor(logits.grad)}


def make():
    g = torch.Generator().manual_seed(17)

    def randn(*shape, scale=1.0):
        return (torch.randn(*shape, generator=g) * scale).to(torch.float32)

    cases = {}
    b, t, c = 3, 5, 4
    lengths = [5, 2, 3]
    mask = torch.zeros(b, t)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1.0
    logits = randn(b, t, c, scale=2.0)
    logits[0, 1] = torch.tensor([30.0, -30.0, 0.5, 12.0])
    target = torch.randint(0, c, (b, t), generator=g).to(torch.float32) * mask  # class 0 at padding
    missing = mask.clone()
    missing[2, :] = 0.0  # a sentence without labels (a missing label), and one token of another
    missing[0, 3] = 0.0
    cw = [0.5, 2.0, 0.0, 3.0]  # one class weighs 0
    sw = torch.tensor([1.5, 0.0, 2.0])  # a sentence of weight 0

    def add(name, reduction, m, params, sample_weights=None):
        inputs = {"logits": logits, "target": target, "mask": m}
        if sample_weights is not None:
            inputs["sample_weights"] = sample_weights
        if reduction == "none":
            inputs["seed"] = randn(b, t)
        cases[name] = {"reduction": reduction, "params": params, "_inputs": inputs}

    for red in ("mean", "sum", "none"):
        add("padding_" + red, red, mask, {})
    add("padding_missing_mean", "mean", missing, {})
    add("padding_class_weights_mean", "mean", mask, {"class_weights": cw})
    add("padding_class_weights_missing_sum", "sum", missing, {"class_weights": cw})
    add("padding_smoothing0.1_mean", "mean", mask, {"label_smoothing": 0.1})
    add("padding_class_weights_smoothing0.2_mean", "mean", missing, {"class_weights": cw, "label_smoothing": 0.2})
    add("padding_sample_weights_mean", "mean", mask, {}, sample_weights=sw)
    add("padding_class_weights_sample_weights_none", "none", missing, {"class_weights": cw}, sample_weights=sw)

    for name, case in cases.items():
        case["float64"] = run(case, torch.float64)
        raw = case.pop("_inputs")
        case["inputs"] = {k: ref.tensor(ref.as_float(v)) for k, v in raw.items()}
        cases[name] = {k: case[k] for k in ("reduction", "params", "inputs", "float64")}

    fix = {"generator": os.path.basename(__file__), "torch_version": torch.__version__,
           "description": __doc__.strip().replace("\n", " ")}
    fix["cases"] = cases
    path = os.path.join(HERE, "token_losses.json")
    with open(path, "w") as f:
        f.write(ref.to_json(fix) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    make()
