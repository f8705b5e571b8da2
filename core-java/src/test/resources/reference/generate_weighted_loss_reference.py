#!/usr/bin/env python3
"""Reference values for weighted losses: PyTorch 1.13 (Debian's python3-torch), float64.

Writes weighted_losses.json next to this script. Run: python3 generate_weighted_loss_reference.py
(not needed by the build; the fixture is committed).

Each case: a loss (cross_entropy with params.class_weights = torch's `weight` and optional label_smoothing;
bce_with_logits with params.pos_weight = torch's `pos_weight`; mse, mae, huber), a reduction (mean, sum, none),
and inputs pred, target, optionally mask [N] (0/1: a sample whose label is missing) and sample_weights [N]
(Keras' sample_weight). The reference is
    per   = torch's loss with reduction="none" (class weights and pos_weight applied by torch)
    sum   = sum over samples with mask 1 of sample_weight[n] * per[n, ...]
    mean  = sum / D, where D is what torch's mean divides by over the samples with mask 1: the sum of the targets'
            class weights for weighted cross-entropy, else their number of elements (0 when D = 0)
    none  = per * mask * sample_weight (gradient: of sum(none * seed))
Without sample weights a masked mean equals torch's own reduction over the samples with mask 1 (asserted below).
"""
import os

import torch
import torch.nn.functional as F

from generate_reference import as_float, tensor, to_json  # noqa: F401  (number formatting shared with the others)
import generate_reference as ref

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)


def per_element(kind, params, pred, target):
    dtype = pred.dtype
    if kind == "cross_entropy":
        w = params.get("class_weights")
        return F.cross_entropy(pred, target, reduction="none",
                               weight=None if w is None else torch.tensor(w, dtype=dtype),
                               label_smoothing=params.get("label_smoothing", 0.0))
    if kind == "bce_with_logits":
        p = params.get("pos_weight")
        return F.binary_cross_entropy_with_logits(pred, target, reduction="none",
                                                  pos_weight=None if p is None else torch.tensor(p, dtype=dtype))
    if kind == "mse":
        return F.mse_loss(pred, target, reduction="none")
    if kind == "mae":
        return F.l1_loss(pred, target, reduction="none")
    if kind == "huber":
        return F.huber_loss(pred, target, reduction="none", delta=params["delta"])
    raise ValueError(kind)


def torch_masked(kind, params, pred, target, mask, reduction):
    """torch's own reduction over the labelled samples: the reference for masks without sample weights."""
    keep = mask.bool()
    p, t = pred[keep], target[keep]
    dtype = pred.dtype
    if kind == "cross_entropy":
        w = params.get("class_weights")
        return F.cross_entropy(p, t, reduction=reduction, weight=None if w is None else torch.tensor(w, dtype=dtype),
                               label_smoothing=params.get("label_smoothing", 0.0))
    if kind == "bce_with_logits":
        pw = params.get("pos_weight")
        return F.binary_cross_entropy_with_logits(p, t, reduction=reduction,
                                                  pos_weight=None if pw is None else torch.tensor(pw, dtype=dtype))
    return None


def run(case, dtype):
    kind, reduction, params, inp = case["kind"], case["reduction"], case["params"], case["_inputs"]
    pred = inp["pred"].to(dtype).clone().requires_grad_(True)
    target = inp["target"].to(torch.long) if kind == "cross_entropy" else inp["target"].to(dtype)
    n = pred.shape[0]
    mask = inp["mask"].to(dtype) if "mask" in inp else torch.ones(n, dtype=dtype)
    sw = inp["sample_weights"].to(dtype) if "sample_weights" in inp else torch.ones(n, dtype=dtype)
    per = per_element(kind, params, pred, target)
    shape = [-1] + [1] * (per.dim() - 1)
    scaled = per * (mask * sw).reshape(shape)
    if reduction == "none":
        loss = scaled
        objective = (scaled * inp["seed"].to(dtype)).sum()
    else:
        total = scaled.sum()
        if reduction == "sum":
            loss = total
        else:
            if kind == "cross_entropy" and "class_weights" in params:
                w = torch.tensor(params["class_weights"], dtype=dtype)
                den = (w[target] * mask.reshape(shape)).sum()
            else:
                den = mask.sum() * per[0].numel()
            loss = total / den if float(den) != 0 else total * 0
        objective = loss
        if "sample_weights" not in inp:
            own = torch_masked(kind, params, pred, target, mask, reduction)
            if own is not None:
                assert torch.allclose(loss, own, rtol=1e-6, atol=1e-7), (case, float(loss), float(own))
    objective.backward()
    return {"loss": tensor(loss.detach()), "grad_pred": tensor(pred.grad)}


def make():
    g = torch.Generator().manual_seed(16)

    def randn(*shape, scale=1.0):
        return (torch.randn(*shape, generator=g) * scale).to(torch.float32)

    def randint(hi, *shape):
        return torch.randint(0, hi, shape, generator=g)

    def uniform(lo, hi, *shape):
        return (lo + (hi - lo) * torch.rand(*shape, generator=g)).to(torch.float32)

    cases = {}

    def add(name, kind, reduction, pred, target, params, mask=None, sample_weights=None):
        inputs = {"pred": pred, "target": target}
        if mask is not None:
            inputs["mask"] = mask
        if sample_weights is not None:
            inputs["sample_weights"] = sample_weights
        if reduction == "none":
            shape = pred.shape[:1] + pred.shape[2:] if kind == "cross_entropy" else pred.shape
            inputs["seed"] = randn(*shape)
        cases[name] = {"kind": kind, "reduction": reduction, "params": params, "_inputs": inputs}

    mask6 = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    sw6 = uniform(0.0, 3.0, 6)
    sw6[2] = 0.0  # a labelled sample of weight 0

    ce_pred = randn(6, 5, scale=2.0)
    ce_pred[4] = torch.tensor([30.0, -30.0, 0.5, -12.0, 25.0])
    ce_tgt = randint(5, 6)
    ce_tgt[4] = 4
    cw = [0.5, 2.0, 1.0, 0.0, 3.0]  # one class weighs 0
    for red in ("mean", "sum", "none"):
        add("ce_weight_" + red, "cross_entropy", red, ce_pred, ce_tgt, {"class_weights": cw})
    add("ce_weight_smooth0.1_mean", "cross_entropy", "mean", ce_pred, ce_tgt,
        {"class_weights": cw, "label_smoothing": 0.1})
    add("ce_weight_masked_mean", "cross_entropy", "mean", ce_pred, ce_tgt, {"class_weights": cw}, mask=mask6)
    add("ce_weight_smooth0.2_masked_sample_weights_mean", "cross_entropy", "mean", ce_pred, ce_tgt,
        {"class_weights": cw, "label_smoothing": 0.2}, mask=mask6, sample_weights=sw6)
    add("ce_sample_weights_masked_mean", "cross_entropy", "mean", ce_pred, ce_tgt, {}, mask=mask6, sample_weights=sw6)
    add("ce_weight_sample_weights_none", "cross_entropy", "none", ce_pred, ce_tgt, {"class_weights": cw},
        mask=mask6, sample_weights=sw6)
    add("ce_weight_pixel_masked_mean", "cross_entropy", "mean", randn(3, 3, 4, 5, scale=2.0), randint(3, 3, 4, 5),
        {"class_weights": [1.5, 0.25, 1.0]}, mask=torch.tensor([1.0, 0.0, 1.0]))
    add("ce_weight_pixel_sample_weights_sum", "cross_entropy", "sum", randn(2, 3, 4, 5, scale=2.0),
        randint(3, 2, 4, 5), {"class_weights": [1.5, 0.25, 1.0]}, sample_weights=torch.tensor([0.5, 2.0]))

    bce_pred = randn(6, 3, scale=3.0)
    bce_pred[0] = torch.tensor([30.0, -30.0, 30.0])
    bce_pred[1] = torch.tensor([-30.0, 30.0, 0.0])
    bce_tgt = randint(2, 6, 3).to(torch.float32)
    bce_tgt[0] = torch.tensor([1.0, 0.0, 0.0])
    bce_tgt[1] = torch.tensor([1.0, 0.0, 1.0])
    pw = [3.0, 0.5, 1.0]
    for red in ("mean", "sum", "none"):
        add("bce_pos_weight_" + red, "bce_with_logits", red, bce_pred, bce_tgt, {"pos_weight": pw})
    add("bce_pos_weight_one_value_mean", "bce_with_logits", "mean", bce_pred, bce_tgt, {"pos_weight": [4.0]})
    add("bce_pos_weight_masked_mean", "bce_with_logits", "mean", bce_pred, bce_tgt, {"pos_weight": pw}, mask=mask6)
    add("bce_pos_weight_masked_sample_weights_mean", "bce_with_logits", "mean", bce_pred, bce_tgt, {"pos_weight": pw},
        mask=mask6, sample_weights=sw6)
    add("bce_sample_weights_masked_sum", "bce_with_logits", "sum", bce_pred, bce_tgt, {}, mask=mask6,
        sample_weights=sw6)

    reg_pred = randn(6, 3)
    reg_tgt = (reg_pred + randn(6, 3, scale=1.5)).to(torch.float32)
    add("mse_sample_weights_masked_mean", "mse", "mean", reg_pred, reg_tgt, {}, mask=mask6, sample_weights=sw6)
    add("mae_sample_weights_none", "mae", "none", reg_pred, reg_tgt, {}, sample_weights=sw6)
    add("huber_sample_weights_masked_sum", "huber", "sum", reg_pred, reg_tgt, {"delta": 1.0}, mask=mask6,
        sample_weights=sw6)

    for name, case in cases.items():
        case["float64"] = run(case, torch.float64)
        raw = case.pop("_inputs")
        case["inputs"] = {k: tensor(as_float(v)) for k, v in raw.items()}
        cases[name] = {k: case[k] for k in ("kind", "reduction", "params", "inputs", "float64")}

    fix = {"generator": os.path.basename(__file__), "torch_version": torch.__version__,
           "description": __doc__.strip().replace("\n", " ")}
    fix["cases"] = cases
    path = os.path.join(HERE, "weighted_losses.json")
    with open(path, "w") as f:
        f.write(ref.to_json(fix) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    make()
