#!/usr/bin/python3
"""PyTorch reference trajectories for Polyhead's optimizers (polyhead.optim).

NOT part of the build: the generated JSON is checked in and the Java tests only read it.
Re-run only to regenerate it (needs PyTorch; written against torch 1.13, Debian's python3-torch):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_optim_reference.py

It writes optim_reference.json next to itself, with number formatting and tensor encoding
shared with generate_reference.py (float32 values: shortest round-tripping decimal; float64:
repr; tensors {"shape", "data"}):

  params       three float32 parameters of different shapes: w [3, 4], b [5], h [2, 3]
  grads        20 steps of float32 gradients, {name: tensor}; "h" has NO gradient (grad None,
               key absent) in steps 1, 4, 7, ... (step % 3 == 1): PyTorch then skips it, its
               per-parameter state (moments, step count) does not advance, and Polyhead must
               do the same.
  trajectories {case: {"optimizer", "options", "float64": [20 x {name: tensor}]}}: the
               parameters after each step, computed in float64 by torch.optim from the float32
               starting values and gradients (torch.set_default_dtype(float64), so step counts and
               NAdam's mu_product are float64 too). Options use torch's keyword names; "maximize"
               is applied in Polyhead as chain(maximize(), optimizer).
               NAdam runs with foreach=True ("torch_only" in the case): torch 1.13's default
               single-tensor NAdam multiplies mu_t twice into the product for the momentum term
               (mu_product * mu * mu_next, a bug fixed in torch 2.0 by pytorch/pytorch#92699); its
               foreach path, torch >= 2.0 and the paper use prod_{i<=t+1} mu_i, as Polyhead does.
               Lion is not in torch 1.13: its cases come from lion_reference() below, a float64
               loop written from the paper (Chen et al. 2023, "Symbolic Discovery of Optimization
               Algorithms", Program 1) with decoupled weight decay as in the authors'
               lion_pytorch.py, skipping parameters without a gradient as torch.optim does.
  clipping     {case: {"kind": "norm"|"value"|"norm_per_param", "max", "float64": {name: tensor}}}
               clip_grad_norm_(grads, max) (norm type 2) / clip_grad_value_ / clip_grad_norm_ on
               each parameter alone, applied to grads[0] (all three present) in float64.
  defaults     {torch class name: {option: default}}: torch's own defaults (optimizer.defaults) for
               the options Polyhead models, so that the Java settings records are checked against
               them (SGD's lr has no default: it is required).
  plateau      {case: {"options", "lr", "metrics": [...], "lrs": [...]}}: torch's
               ReduceLROnPlateau over SGD(lr); "lrs"[k] is the learning rate after
               scheduler.step(metrics[k]).

Determinism: fixed seeds, torch.set_num_threads(1).
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate_reference import tensor, write_fixture  # noqa: E402  (shared formatting)

GENERATOR = "generate_optim_reference.py"
STEPS = 20
SHAPES = {"w": (3, 4), "b": (5,), "h": (2, 3)}
GRAD_SCALE = {"w": 1.0, "b": 0.1, "h": 3.0}

torch.set_num_threads(1)


def has_grad(name, step):
    return not (name == "h" and step % 3 == 1)


def make_inputs():
    g = torch.Generator().manual_seed(1234)
    params = {n: torch.randn(s, generator=g, dtype=torch.float32) for n, s in SHAPES.items()}
    grads = []
    for k in range(STEPS):
        step = {}
        for n, s in SHAPES.items():
            v = torch.randn(s, generator=g, dtype=torch.float32) * GRAD_SCALE[n]
            if has_grad(n, k):
                step[n] = v
        grads.append(step)
    return params, grads


# (case name, torch optimizer class name, options); lr is always given explicitly
# torch-only keyword arguments that do not change the math Polyhead implements (see the docstring)
TORCH_ONLY = {"NAdam": {"foreach": True}}
CASES = [
    ("sgd", "SGD", {"lr": 0.1}),
    ("sgd_momentum", "SGD", {"lr": 0.05, "momentum": 0.9}),
    ("sgd_dampening", "SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd_weight_decay", "SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1}),
    ("sgd_maximize", "SGD", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.01, "maximize": True}),
    ("adagrad", "Adagrad", {"lr": 0.1}),
    ("adagrad_options", "Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.5,
                                     "weight_decay": 0.01}),
    ("rmsprop", "RMSprop", {"lr": 0.01}),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5,
                                     "weight_decay": 0.01}),
    ("adadelta", "Adadelta", {"lr": 1.0}),
    ("adadelta_options", "Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.01}),
    ("adam", "Adam", {"lr": 0.05}),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "amsgrad": True}),
    ("adam_weight_decay", "Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("adam_maximize", "Adam", {"lr": 0.05, "maximize": True}),
    ("adamw", "AdamW", {"lr": 0.05, "weight_decay": 0.1}),
    ("adamw_amsgrad", "AdamW", {"lr": 0.05, "weight_decay": 0.05, "amsgrad": True}),
    ("adamax", "Adamax", {"lr": 0.02}),
    ("adamax_weight_decay", "Adamax", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("nadam", "NAdam", {"lr": 0.02}),
    ("nadam_options", "NAdam", {"lr": 0.02, "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("radam", "RAdam", {"lr": 0.05}),
    ("radam_weight_decay", "RAdam", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("lion", "Lion", {"lr": 0.01}),
    ("lion_weight_decay", "Lion", {"lr": 0.01, "betas": (0.8, 0.95), "weight_decay": 0.5}),
]


def to64(t):
    return t.detach().to(torch.float64).clone()


def torch_trajectory(cls_name, options, params, grads):
    ps = {n: to64(p).requires_grad_(True) for n, p in params.items()}
    opt = getattr(torch.optim, cls_name)(list(ps.values()), **options, **TORCH_ONLY.get(cls_name, {}))
    out = []
    for k in range(STEPS):
        for n, p in ps.items():
            p.grad = to64(grads[k][n]) if n in grads[k] else None
        opt.step()
        out.append({n: tensor(p.detach()) for n, p in ps.items()})
    return out


def lion_reference(options, params, grads):
    """Lion from the paper, in float64: c = b1*m + (1-b1)*g; p -= lr*(sign(c) + wd*p);
    m = b2*m + (1-b2)*g. A parameter without a gradient is skipped (no update, m unchanged)."""
    lr = options["lr"]
    b1, b2 = options.get("betas", (0.9, 0.99))
    wd = options.get("weight_decay", 0.0)
    ps = {n: to64(p) for n, p in params.items()}
    ms = {n: torch.zeros_like(p) for n, p in ps.items()}
    out = []
    for k in range(STEPS):
        for n in ps:
            if n not in grads[k]:
                continue
            g = to64(grads[k][n])
            c = b1 * ms[n] + (1 - b1) * g
            ps[n] = ps[n] - lr * (torch.sign(c) + wd * ps[n])
            ms[n] = b2 * ms[n] + (1 - b2) * g
        out.append({n: tensor(p) for n, p in ps.items()})
    return out


def make_trajectories(params, grads):
    cases = {}
    for name, cls_name, options in CASES:
        if cls_name == "Lion":
            traj = lion_reference(options, params, grads)
        else:
            traj = torch_trajectory(cls_name, options, params, grads)
        opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in options.items()}
        cases[name] = {"optimizer": cls_name, "options": opts, "float64": traj}
        if cls_name in TORCH_ONLY:
            cases[name]["torch_only"] = TORCH_ONLY[cls_name]
    return cases


def make_clipping(grads):
    g0 = grads[0]
    norm = torch.sqrt(sum((to64(g) ** 2).sum() for g in g0.values())).item()
    cases = {}
    for name, kind, mx in [
        ("global_norm_clipped", "norm", 0.5 * norm),
        ("global_norm_unclipped", "norm", 2.0 * norm),
        ("per_param_norm", "norm_per_param", 1.5),
        ("value", "value", 0.7),
    ]:
        gs = {n: to64(g) for n, g in g0.items()}
        ps = {n: torch.zeros_like(g, requires_grad=True) for n, g in gs.items()}
        for n, p in ps.items():
            p.grad = gs[n].clone()
        if kind == "norm":
            torch.nn.utils.clip_grad_norm_(list(ps.values()), mx)
        elif kind == "norm_per_param":
            for p in ps.values():
                torch.nn.utils.clip_grad_norm_([p], mx)
        else:
            torch.nn.utils.clip_grad_value_(list(ps.values()), mx)
        cases[name] = {"kind": kind, "max": mx, "float64": {n: tensor(p.grad) for n, p in ps.items()}}
    # the per-parameter case must clip some parameters and leave others
    norms = [to64(g).norm().item() for g in g0.values()]
    assert min(norms) < 1.5 < max(norms), norms
    return cases


PLATEAU_METRICS = [1.0, 0.9, 0.8, 0.8, 0.8, 0.79995, 0.8, 0.7, 0.7, 0.71, 0.72, 0.6, 0.6, 0.6, 0.6,
                   0.6, 0.59, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]

PLATEAU_CASES = [
    ("min_rel", 0.1, {"mode": "min", "factor": 0.5, "patience": 2}),
    ("min_cooldown_min_lr", 0.1, {"mode": "min", "factor": 0.5, "patience": 1, "cooldown": 2,
                                  "min_lr": 0.02}),
    ("min_abs", 0.1, {"mode": "min", "factor": 0.3, "patience": 0, "threshold": 0.05,
                      "threshold_mode": "abs"}),
    ("max_rel", 0.2, {"mode": "max", "factor": 0.1, "patience": 3, "threshold": 0.01}),
]


def make_plateau():
    cases = {}
    for name, lr, options in PLATEAU_CASES:
        p = torch.zeros(2, requires_grad=True)
        opt = torch.optim.SGD([p], lr=lr)
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **options)
        lrs = []
        for m in PLATEAU_METRICS:
            sched.step(m)
            lrs.append(opt.param_groups[0]["lr"])
        cases[name] = {"options": options, "lr": lr, "metrics": PLATEAU_METRICS, "lrs": lrs}
    # the cases must exercise reductions, cooldown and the floor
    assert len(set(cases["min_cooldown_min_lr"]["lrs"])) >= 3 and min(cases["min_cooldown_min_lr"]["lrs"]) == 0.02
    return cases


MODELLED_OPTIONS = {"lr", "betas", "eps", "weight_decay", "amsgrad", "momentum", "dampening", "nesterov",
                    "alpha", "centered", "rho", "lr_decay", "initial_accumulator_value", "momentum_decay"}


def make_defaults():
    out = {}
    for cls_name in ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam", "RAdam"]:
        p = torch.zeros(1, requires_grad=True)
        opt = getattr(torch.optim, cls_name)([p], **({"lr": 0.1} if cls_name == "SGD" else {}))
        d = {k: (list(v) if isinstance(v, tuple) else v) for k, v in opt.defaults.items() if k in MODELLED_OPTIONS}
        if cls_name == "SGD":
            del d["lr"]
        out[cls_name] = d
    return out


def main():
    torch.set_default_dtype(torch.float64)
    params, grads = make_inputs()
    fix = {
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "description": "torch.optim trajectories (20 steps, float64), gradient clipping and ReduceLROnPlateau; "
        "see the generator's docstring for the layout",
        "steps": STEPS,
        "params": {n: tensor(p) for n, p in params.items()},
        "grads": [{n: tensor(g) for n, g in step.items()} for step in grads],
        "trajectories": make_trajectories(params, grads),
        "clipping": make_clipping(grads),
        "plateau": make_plateau(),
        "defaults": make_defaults(),
    }
    write_fixture("optim_reference.json", fix)


if __name__ == "__main__":
    main()
