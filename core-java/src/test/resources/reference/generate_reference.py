#!/usr/bin/python3
"""PyTorch reference fixtures for Polyhead's Java tests.

NOT part of the build: the generated JSON files are checked in and the Java tests
only read them. Re-run this script only to regenerate them.

How to run (needs PyTorch; written against torch 1.13; uses only torch + stdlib):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_reference.py

It writes next to itself:

  w1_mlp.json.gz              W1 multi-task MLP (784-256-128 trunk, heads item/10 and
                              group/5), batch = first 16 Fashion-MNIST TRAIN images,
                              loss = 1.0*CE(item) + 0.5*CE(group). Outputs (trunk output,
                              logits per head, losses) and grads of the total loss w.r.t.
                              every parameter and the input x.
  small_convnet.json          Conv(1->4,k3,p1) -> BatchNorm2d(train) -> ReLU -> MaxPool2 ->
                              Conv(4->6,k3) -> ReLU -> AvgPool2 -> Flatten -> Linear(24,10),
                              batch = 4 crops (12x12) of Fashion-MNIST train images, CE mean.
                              Outputs of every stage, grads of params and input, BN running
                              stats after the one train-mode forward, eval-mode logits.
  small_convnet_stride2.json  Same with the second conv Conv(4->6,k3,stride 2,padding 1)
                              (6x6 -> 3x3 -> AvgPool2 floor -> 1x1) and Linear(6,10).
  losses.json                 Loss functions (cross-entropy incl. label smoothing and
                              per-pixel, BCE-with-logits, MSE, MAE, Huber; mean/sum/none;
                              masked means): forward loss and grad w.r.t. the prediction.

Conventions (all files):
  * Tensor = {"shape": [d0, d1, ...], "data": [flat row-major values]}; scalars have
    shape [] and a one-element data list. Class-index targets and masks are stored as
    float values (e.g. 3.0).
  * Top-level keys "generator", "torch_version", "description" in every file.
  * Inputs and params are stored ONCE, as float32 values. Every computation is recorded
    twice: "float32" = torch computing in float32 (what a user gets); "float64" = the same
    float32 values cast to float64 and computed in double (the truth to compare Java
    float32 code against).
  * Weight layout is PyTorch's: Linear [out, in], Conv2d [out, in, kh, kw].
  * Number formatting: float32 values are written with the shortest decimal that parses
    back to the identical float32 (checked both for direct float parsing and for
    parse-as-double-then-cast); float64 values are written with Python repr (shortest
    round-trip double). Negative zero is written as 0.0 everywhere.
    => Read inputs/params/"float32" values as float32 (Float.parseFloat, or (float) of the
       parsed double); the decimal is NOT the exact value as a double. To compute in double,
       widen those floats (this is what the "float64" block does).
  * Class-index targets / masks are small integers written as floats ("3.0").
  * Size: w1_mlp.json.gz holds ~10 MB of JSON (235,146 params stored once plus two grad
    copies), gzip'd to ~3.9 MB. The other files are < 0.3 MB and stay plain JSON.

Model fixtures: {"generator","torch_version","description","config",
                 "inputs": {..}, "params": {name: tensor},
                 "float32": {"outputs": {..}, "grads": {..}[, "buffers": {..}]},
                 "float64": {same as float32}}
losses.json:    {"generator","torch_version","description",
                 "cases": {name: {"kind","reduction","params","inputs",
                                  "float32": {"loss","grad_pred"}, "float64": {..}}}}

Determinism: fixed seeds, torch.set_num_threads(1).
"""
import copy
import gzip
import json
import math
import os
import struct
import sys
from fractions import Fraction

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = "generate_reference.py"
DATA_DIRS = [
    "/usr/share/datasets/fashion-mnist",
    os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "samples", "data", "fashion-mnist")),
]
# Polyhead coarse grouping: tops{0,2,4,6}=0, trousers{1}=1, dresses{3}=2, footwear{5,7,9}=3, bags{8}=4
GROUP_OF = [0, 1, 0, 2, 0, 3, 0, 3, 4, 3]

torch.set_num_threads(1)


# ----------------------------------------------------------------------------------
# Number formatting / JSON writing
# ----------------------------------------------------------------------------------

def _f32(d):
    """Round a Python float (double) to float32 (round-to-nearest-even) and back."""
    return struct.unpack("<f", struct.pack("<f", d))[0]


def _f32_neighbours(v):
    bits = struct.unpack("<I", struct.pack("<f", v))[0]
    out = []
    for b in (bits - 1, bits + 1):
        b &= 0xFFFFFFFF
        n = struct.unpack("<f", struct.pack("<I", b))[0]
        if math.isfinite(n):
            out.append(n)
    # neighbours across zero: for +/-0 or the smallest values, 0 / sign flips are fine
    return out


def fmt_f32(v):
    """Shortest decimal string that round-trips float32 value v exactly."""
    if not math.isfinite(v):
        raise ValueError("non-finite value %r" % v)
    assert _f32(v) == v, "value is not float32-representable: %r" % v
    if v == 0.0:
        return "0.0"  # signed zeros are written as 0.0 (see module doc)
    fv = Fraction(v)
    neigh = [Fraction(n) for n in _f32_neighbours(v)]
    for p in range(1, 10):
        s = "%.*g" % (p, v)
        if _f32(float(s)) != v:  # parse as double, then cast to float
            continue
        fs = Fraction(s)  # exact decimal value: must be strictly nearest to v
        if all(abs(fs - fv) < abs(fs - n) for n in neigh):
            break
    else:
        s = repr(v)
    if not any(c in s for c in ".eE"):
        s += ".0"
    return s


def fmt_f64(v):
    if not math.isfinite(v):
        raise ValueError("non-finite value %r" % v)
    if v == 0.0:
        return "0.0"
    return repr(float(v))


class Raw(object):
    """Pre-formatted JSON number list."""

    def __init__(self, items):
        self.items = items


def tensor(t):
    """Encode a float32 or float64 tensor as {"shape", "data"}."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.float32:
        fmt = fmt_f32
    elif t.dtype == torch.float64:
        fmt = fmt_f64
    else:
        raise TypeError("encode only float tensors, got %s" % t.dtype)
    return {"shape": list(t.shape), "data": Raw([fmt(x) for x in t.reshape(-1).tolist()])}


def to_json(obj, indent=0):
    pad = "  " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        if set(obj.keys()) == {"shape", "data"}:
            return "{\"shape\": %s, \"data\": %s}" % (json.dumps(obj["shape"]), to_json(obj["data"]))
        items = ["%s%s: %s" % (pad, json.dumps(k), to_json(v, indent + 1)) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(obj, Raw):
        return "[" + ",".join(obj.items) + "]"
    if isinstance(obj, float):
        return fmt_f64(obj)
    if isinstance(obj, (list, tuple)):
        return "[" + ", ".join(to_json(x, indent) for x in obj) + "]"
    return json.dumps(obj)


def write_fixture(name, obj):
    path = os.path.join(HERE, name)
    text = to_json(obj) + "\n"
    if name.endswith(".gz"):
        # large fixtures are gzip'd (mtime 0, no file name: byte-identical on every run)
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(text.encode("utf-8"))
        with gzip.open(path, "rt") as f:
            json.load(f)
    else:
        with open(path, "w") as f:
            f.write(text)
        # sanity: loads with stdlib json and float32 data round-trips
        with open(path) as f:
            json.load(f)
    print("wrote %-28s %9d bytes" % (name, len(text.encode("utf-8"))))


def header(description):
    return {"generator": GENERATOR, "torch_version": torch.__version__, "description": description}


# ----------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------

def read_idx(name):
    for d in DATA_DIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            with gzip.open(p, "rb") as f:
                data = f.read()
            ndim = data[3]
            dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
            return list(dims), data[4 + 4 * ndim:]
    raise FileNotFoundError(name)


def train_images(n):
    dims, body = read_idx("train-images-idx3-ubyte.gz")
    rows, cols = dims[1], dims[2]
    px = torch.tensor(list(body[:n * rows * cols]), dtype=torch.uint8).reshape(n, rows, cols)
    return px.to(torch.float32) / 255.0  # float32 division, as the Java loader does


def train_labels(n):
    _, body = read_idx("train-labels-idx1-ubyte.gz")
    return torch.tensor(list(body[:n]), dtype=torch.long)


def as_float(t):
    return t.to(torch.float32)


# ----------------------------------------------------------------------------------
# (a) W1 multi-task MLP
# ----------------------------------------------------------------------------------

class W1(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU())
        self.heads = nn.ModuleDict({"item": nn.Linear(128, 10), "group": nn.Linear(128, 5)})

    def forward(self, x):
        h = self.trunk(x)
        return h, self.heads["item"](h), self.heads["group"](h)


def run_w1(model, x, y_item, y_group):
    x = x.clone().requires_grad_(True)
    model.zero_grad()
    h, li, lg = model(x)
    loss_item = F.cross_entropy(li, y_item)
    loss_group = F.cross_entropy(lg, y_group)
    loss = 1.0 * loss_item + 0.5 * loss_group
    loss.backward()
    outputs = {"trunk": tensor(h), "logits_item": tensor(li), "logits_group": tensor(lg),
               "loss_item": tensor(loss_item), "loss_group": tensor(loss_group), "loss": tensor(loss)}
    grads = {n: tensor(p.grad) for n, p in model.named_parameters()}
    grads["x"] = tensor(x.grad)
    return {"outputs": outputs, "grads": grads}


def make_w1():
    n = 16
    x = train_images(n).reshape(n, 784)
    y_item = train_labels(n)
    y_group = torch.tensor([GROUP_OF[int(c)] for c in y_item], dtype=torch.long)
    torch.manual_seed(0)
    model = W1()
    model64 = copy.deepcopy(model).double()
    fix = header(
        "W1 multi-task MLP. x = first 16 Fashion-MNIST train images flattened to 784, pixel/255 "
        "(float32). trunk = Linear(784,256)->ReLU->Linear(256,128)->ReLU (trunk.0, trunk.2); heads: "
        "heads.item Linear(128,10), heads.group Linear(128,5). Targets: target_item = labels, "
        "target_group = coarse group (tops{0,2,4,6}=0, trousers{1}=1, dresses{3}=2, footwear{5,7,9}=3, "
        "bags{8}=4). loss = 1.0*CE(logits_item,target_item) + 0.5*CE(logits_group,target_group), "
        "CE with mean reduction. Params: torch default init after torch.manual_seed(0), created in order "
        "trunk.0, trunk.2, heads.item, heads.group. outputs: trunk (trunk output [16,128]), logits_item, "
        "logits_group, loss_item, loss_group, loss (scalars shape []). grads: d loss / d every param and "
        "d loss / d x.")
    fix["config"] = {"batch": n, "loss_weights": {"item": 1.0, "group": 0.5}}
    fix["inputs"] = {"x": tensor(x), "target_item": tensor(as_float(y_item)),
                     "target_group": tensor(as_float(y_group))}
    fix["params"] = {k: tensor(v) for k, v in model.state_dict().items()}
    fix["float32"] = run_w1(model, x, y_item, y_group)
    fix["float64"] = run_w1(model64, x.double(), y_item, y_group)
    write_fixture("w1_mlp.json.gz", fix)


# ----------------------------------------------------------------------------------
# (b) small convnet
# ----------------------------------------------------------------------------------

class SmallConvNet(nn.Module):
    def __init__(self, stride2):
        super().__init__()
        conv2 = nn.Conv2d(4, 6, kernel_size=3, stride=2, padding=1) if stride2 else \
            nn.Conv2d(4, 6, kernel_size=3, stride=1, padding=0)
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3, padding=1),      # 0
            nn.BatchNorm2d(4, eps=1e-5, momentum=0.1),      # 1
            nn.ReLU(),                                      # 2
            nn.MaxPool2d(2),                                # 3
            conv2,                                          # 4
            nn.ReLU(),                                      # 5
            nn.AvgPool2d(2),                                # 6
            nn.Flatten(),                                   # 7
        )
        self.classifier = nn.Linear(6 * (1 if stride2 else 4), 10)


def maxpool_ties(t):
    """2x2 windows (n, c, out_row, out_col) whose positive max occurs more than once.

    PyTorch's CPU MaxPool2d routes the gradient to the FIRST maximal element in row-major
    window order; such windows are listed in the fixture's config so tests know about them.
    """
    n, c, h, w = t.shape
    win = t[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 2, 4, 3, 5)
    win = win.reshape(n, c, h // 2, w // 2, 4)
    mx = win.max(dim=-1, keepdim=True).values
    ties = ((win == mx).sum(-1) > 1) & (mx.squeeze(-1) > 0)
    return ties.nonzero().tolist()


def run_convnet(model, x, y):
    x = x.clone().requires_grad_(True)
    model.train()
    model.zero_grad()
    outputs = {}
    h = x
    for i, m in enumerate(model.features):
        if i == 3:
            ties = maxpool_ties(h.detach())
        h = m(h)
        outputs["features.%d" % i] = h
    logits = model.classifier(h)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    outputs = {k: tensor(v) for k, v in outputs.items()}
    outputs["logits"] = tensor(logits)
    outputs["loss"] = tensor(loss)
    grads = {n: tensor(p.grad) for n, p in model.named_parameters()}
    grads["x"] = tensor(x.grad)
    bn = model.features[1]
    buffers = {"features.1.running_mean": tensor(bn.running_mean),
               "features.1.running_var": tensor(bn.running_var)}
    model.eval()
    with torch.no_grad():
        logits_eval = model.classifier(model.features(x))
    outputs["logits_eval"] = tensor(logits_eval)
    return {"outputs": outputs, "grads": grads, "buffers": buffers}, ties


def make_convnet(stride2):
    n = 4
    x = train_images(n)[:, 8:20, 8:20].reshape(n, 1, 12, 12).contiguous()
    y = train_labels(n)
    torch.manual_seed(1)
    model = SmallConvNet(stride2)
    bn = model.features[1]
    with torch.no_grad():
        bn.weight.copy_(1.0 + 0.1 * torch.randn(4))
        bn.bias.copy_(0.1 * torch.randn(4))
    model64 = copy.deepcopy(model).double()
    conv2 = "Conv2d(4,6,k=3,stride=2,padding=1) -> [4,6,3,3]" if stride2 else \
        "Conv2d(4,6,k=3,stride=1,padding=0) -> [4,6,4,4]"
    flat = 6 if stride2 else 24
    name = "small_convnet_stride2.json" if stride2 else "small_convnet.json"
    fix = header(
        "Small convnet. x = first 4 Fashion-MNIST train images, rows/cols 8..19 (python [8:20]) -> "
        "[4,1,12,12], pixel/255 float32; target = real labels. Net (stage names): features.0 "
        "Conv2d(1,4,k=3,padding=1) -> features.1 BatchNorm2d(4, eps=1e-5, momentum=0.1, TRAIN mode: "
        "normalise with biased batch variance over N,H,W; running_var updated with the unbiased "
        "variance) -> features.2 ReLU -> features.3 MaxPool2d(2) -> features.4 " + conv2 + " -> "
        "features.5 ReLU -> features.6 AvgPool2d(2) (floor mode) -> features.7 Flatten -> classifier "
        "Linear(%d,10) = logits; loss = CE mean. Params: torch default init after torch.manual_seed(1), "
        "then BN weight = 1+0.1*randn(4), bias = 0.1*randn(4) from the same generator. Initial BN "
        "buffers: running_mean 0, running_var 1. outputs: output of every stage by name, logits, loss, "
        "logits_eval (eval mode, running stats after the one train-mode forward). grads: d loss / d "
        "params and d loss / d x. buffers: BN running stats after the train-mode forward." % flat)
    fix["config"] = {"batch": n, "bn_eps": 1e-5, "bn_momentum": 0.1, "bn_running_var": "unbiased",
                     "crop": [8, 20], "conv2_stride": 2 if stride2 else 1, "conv2_padding": 1 if stride2 else 0,
                     "flatten_features": flat}
    fix["inputs"] = {"x": tensor(x), "target": tensor(as_float(y))}
    fix["params"] = {k: tensor(v) for k, v in model.named_parameters()}
    fix["float32"], ties32 = run_convnet(model, x, y)
    fix["float64"], ties64 = run_convnet(model64, x.double(), y)
    # ties come from identical input patches (exact in both precisions); anything else would
    # make the max-pool gradient routing depend on rounding
    assert ties32 == ties64, (ties32, ties64)
    fix["config"]["maxpool_ties"] = ties32
    fix["config"]["maxpool_tie_rule"] = (
        "features.3 windows [n, c, out_row, out_col] whose positive max occurs more than once (identical "
        "input patches, exact ties in float32 and float64); PyTorch routes the gradient to the first "
        "maximal element in row-major window order")
    write_fixture(name, fix)


# ----------------------------------------------------------------------------------
# (c) losses
# ----------------------------------------------------------------------------------

def ce_smoothed(pred, target, eps):
    """Own label-smoothing formula: (1-eps)*nll + eps*mean_c(-log p_c); per sample/pixel."""
    logp = F.log_softmax(pred, dim=1)
    nll = -logp.gather(1, target.unsqueeze(1)).squeeze(1)
    smooth = -logp.mean(dim=1)
    return (1.0 - eps) * nll + eps * smooth


def per_element(kind, params, pred, target):
    if kind == "cross_entropy":
        eps = params.get("label_smoothing", 0.0)
        out = ce_smoothed(pred, target, eps)
        ref = F.cross_entropy(pred, target, reduction="none", label_smoothing=eps)
        assert torch.allclose(out, ref, rtol=1e-5 if pred.dtype == torch.float32 else 1e-12,
                              atol=1e-6 if pred.dtype == torch.float32 else 1e-13), "label smoothing mismatch"
        return ref
    if kind == "bce_with_logits":
        return F.binary_cross_entropy_with_logits(pred, target, reduction="none")
    if kind == "mse":
        return F.mse_loss(pred, target, reduction="none")
    if kind == "mae":
        return F.l1_loss(pred, target, reduction="none")
    if kind == "huber":
        return F.huber_loss(pred, target, reduction="none", delta=params["delta"])
    raise ValueError(kind)


def torch_reduced(kind, params, pred, target, reduction):
    """The same loss through torch's own reduction, to cross-check mean/sum."""
    if kind == "cross_entropy":
        return F.cross_entropy(pred, target, reduction=reduction, label_smoothing=params.get("label_smoothing", 0.0))
    if kind == "bce_with_logits":
        return F.binary_cross_entropy_with_logits(pred, target, reduction=reduction)
    if kind == "mse":
        return F.mse_loss(pred, target, reduction=reduction)
    if kind == "mae":
        return F.l1_loss(pred, target, reduction=reduction)
    if kind == "huber":
        return F.huber_loss(pred, target, reduction=reduction, delta=params["delta"])
    raise ValueError(kind)


def run_loss(case, dtype):
    kind, reduction, params, inp = case["kind"], case["reduction"], case["params"], case["_inputs"]
    pred = inp["pred"].to(dtype).clone().requires_grad_(True)
    if kind == "cross_entropy":
        target = inp["target"].to(torch.long)
    else:
        target = inp["target"].to(dtype)
    per = per_element(kind, params, pred, target)
    if reduction == "none":
        loss = per
        objective = (per * inp["seed"].to(dtype)).sum()
    elif reduction in ("mean", "sum"):
        loss = per.mean() if reduction == "mean" else per.sum()
        ref = torch_reduced(kind, params, pred, target, reduction)
        assert torch.allclose(loss, ref, rtol=1e-6, atol=1e-7), (kind, reduction)
        objective = loss
    elif reduction == "masked_mean":
        mask = inp["mask"].to(dtype)
        m = mask.reshape([-1] + [1] * (per.dim() - 1)).expand_as(per)
        per_sample_elems = per[0].numel()
        count = float(mask.sum().item()) * per_sample_elems
        loss = (per * m).sum() / max(count, 1.0)
        objective = loss
    else:
        raise ValueError(reduction)
    objective.backward()
    return {"loss": tensor(loss.detach()), "grad_pred": tensor(pred.grad)}


def make_losses():
    g = torch.Generator().manual_seed(2)

    def randn(*shape, scale=1.0):
        return (torch.randn(*shape, generator=g) * scale).to(torch.float32)

    def randint(hi, *shape):
        return torch.randint(0, hi, shape, generator=g)

    cases = {}

    def add(name, kind, reduction, pred, target, params=None, mask=None):
        inputs = {"pred": pred, "target": target}
        if mask is not None:
            inputs["mask"] = mask
        if reduction == "none":
            shape = pred.shape[:1] + pred.shape[2:] if kind == "cross_entropy" else pred.shape
            inputs["seed"] = randn(*shape)
        cases[name] = {"kind": kind, "reduction": reduction, "params": params or {}, "_inputs": inputs}

    # cross-entropy on [N=6, C=5] logits, class dim 1; one row with large |logits|
    ce_pred = randn(6, 5, scale=2.0)
    ce_pred[4] = torch.tensor([30.0, -30.0, 0.5, -12.0, 25.0])
    ce_tgt = randint(5, 6)
    ce_tgt[4] = 4  # large-logit row whose target is not the argmax
    for red in ("mean", "sum", "none"):
        add("ce_" + red, "cross_entropy", red, ce_pred, ce_tgt)
    add("ce_smooth0.1_mean", "cross_entropy", "mean", ce_pred, ce_tgt, {"label_smoothing": 0.1})
    # per-pixel cross-entropy: logits [N,C,H,W] = [2,3,4,5], targets [2,4,5]
    add("ce_pixel_mean", "cross_entropy", "mean", randn(2, 3, 4, 5, scale=2.0), randint(3, 2, 4, 5))

    # BCE with logits on [6,3] with 0/1 targets, including +-30 logits
    bce_pred = randn(6, 3, scale=3.0)
    bce_pred[0] = torch.tensor([30.0, -30.0, 30.0])
    bce_pred[1] = torch.tensor([-30.0, 30.0, 0.0])
    bce_tgt = randint(2, 6, 3).to(torch.float32)
    bce_tgt[0] = torch.tensor([1.0, 0.0, 0.0])  # confident right, right, wrong
    bce_tgt[1] = torch.tensor([1.0, 0.0, 1.0])  # confident wrong, wrong, 0 logit
    for red in ("mean", "sum", "none"):
        add("bce_logits_" + red, "bce_with_logits", red, bce_pred, bce_tgt)

    # regression on [6,3]; residuals ~ N(0, 1.5^2) so Huber sees both branches
    reg_pred = randn(6, 3)
    reg_tgt = (reg_pred + randn(6, 3, scale=1.5)).to(torch.float32)
    assert bool((reg_pred != reg_tgt).all())
    for red in ("mean", "sum", "none"):
        add("mse_" + red, "mse", red, reg_pred, reg_tgt)
        add("mae_" + red, "mae", red, reg_pred, reg_tgt)
        add("huber_delta1_" + red, "huber", red, reg_pred, reg_tgt, {"delta": 1.0})
    add("huber_delta0.5_mean", "huber", "mean", reg_pred, reg_tgt, {"delta": 0.5})

    # masked means: mask over samples (dim 0)
    mask6 = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    add("ce_masked_mean", "cross_entropy", "masked_mean", ce_pred, ce_tgt, mask=mask6)
    add("mse_masked_mean", "mse", "masked_mean", reg_pred, reg_tgt, mask=mask6)
    add("bce_masked_mean", "bce_with_logits", "masked_mean", bce_pred, bce_tgt, mask=mask6)
    add("ce_pixel_masked_mean", "cross_entropy", "masked_mean", randn(3, 3, 4, 5, scale=2.0),
        randint(3, 3, 4, 5), mask=torch.tensor([1.0, 0.0, 1.0]))
    add("ce_allmasked_mean", "cross_entropy", "masked_mean", ce_pred, ce_tgt, mask=torch.zeros(6))

    for name, case in cases.items():
        case["float32"] = run_loss(case, torch.float32)
        case["float64"] = run_loss(case, torch.float64)
        raw = case.pop("_inputs")
        case["inputs"] = {k: tensor(as_float(v)) for k, v in raw.items()}
        # key order: kind, reduction, params, inputs, float32, float64
        cases[name] = {k: case[k] for k in ("kind", "reduction", "params", "inputs", "float32", "float64")}
    assert all(x == "0.0" for x in cases["ce_allmasked_mean"]["float64"]["grad_pred"]["data"].items)

    fix = header(
        "Loss functions: forward loss and gradient w.r.t. pred. kinds: cross_entropy (pred = logits, "
        "class dim 1: [N,C] or per-pixel [N,C,H,W] with target [N] / [N,H,W] class indices; "
        "params.label_smoothing eps: per-element loss = (1-eps)*(-log p_target) + eps*mean_c(-log p_c), "
        "identical to torch cross_entropy(label_smoothing=eps)); bce_with_logits (pred = logits, "
        "target 0/1, same shape); mse; mae (L1); huber (params.delta: 0.5*r^2 if |r|<delta else "
        "delta*(|r|-0.5*delta)). reductions: mean over all elements, sum, none (loss = per-element "
        "tensor; grad_pred = d sum(loss*seed) / d pred with inputs.seed of the loss's shape), "
        "masked_mean (inputs.mask [N] of 0/1 over samples: loss = sum of per-element loss over valid "
        "samples / (number of valid samples * elements per sample), e.g. valid*H*W for per-pixel CE, "
        "valid*D for [N,D]; 0 and an all-zero grad when no sample is valid). Masked-out samples "
        "still carry valid targets.")
    fix["cases"] = cases
    write_fixture("losses.json", fix)


def main():
    make_w1()
    make_convnet(stride2=False)
    make_convnet(stride2=True)
    make_losses()


if __name__ == "__main__":
    main()
