#!/usr/bin/python3
"""PyTorch reference learning-rate sequences for polyhead.optim.schedule.Schedules.

NOT part of the build: schedules.json is checked in and SchedulesReferenceTest only reads it.
Re-run this script only to regenerate it.

How to run (needs PyTorch; written against torch 1.13; uses only torch + stdlib; the
`python3` on PATH may lack torch, /usr/bin/python3 has it):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_schedule_reference.py

It writes schedules.json next to itself:

    {"generator", "torch_version", "description",
     "cases": {name: {"kind", "params": {..}, "lrs": [lr_0, lr_1, ..]}}}

Each case builds a real optimizer (SGD over one parameter, lr = the schedule's base lr) and
the torch scheduler that the Java factory `kind` claims to match, then records
optimizer.param_groups[0]["lr"] before any scheduler step (lrs[0]) and after each of the
following optimizer.step(); scheduler.step() pairs (lrs[t] = lr after t scheduler steps).
So lrs[t] is what Schedules.<kind>(params).valueAt(t) must give. torch computes most of
these recursively (lr_t from lr_{t-1}); the Java side uses closed forms.

  kind                 torch
  constant             no scheduler change: LambdaLR(lambda t: 1.0)
  step                 StepLR(step_size, gamma)
  multiStep            MultiStepLR(milestones, gamma)
  exponential          ExponentialLR(gamma)
  cosine               CosineAnnealingLR(T_max, eta_min)
  cosineWarmRestarts   CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)
  linear               LinearLR(start_factor, end_factor, total_iters)
  oneCycle             OneCycleLR(max_lr, total_steps, pct_start, anneal_strategy,
                       div_factor, final_div_factor, three_phase), cycle_momentum=False
  linearWarmup         SequentialLR([LinearLR(start_factor, 1.0, total_iters=warmupSteps),
                       <"after" scheduler>], milestones=[warmupSteps]); params.after is
                       itself {"kind", "params"} of one of the kinds above, with the same lr

Params use the Java argument names (lr, stepSize, gamma, tMax, ...). One-cycle cases record
only lrs[0 .. totalSteps-1], the rates that the cycle's totalSteps updates use: at
t = totalSteps torch extrapolates the last phase past its end (below min_lr, even negative
with linear annealing) and beyond that it raises; the Java schedule holds its last value.

Number formatting: Python json, i.e. repr of each float (shortest round-trip double);
integer parameters are written as integers.
"""
import json
import os
import warnings

import torch
from torch.optim import lr_scheduler

# One-cycle cases record totalSteps values; every other case records STEPS + 1.
STEPS = 60

# name -> (kind, params). Params use the Java argument names.
CASES = {
    "constant": ("constant", {"lr": 0.1}),

    "step_7_half": ("step", {"lr": 0.1, "stepSize": 7, "gamma": 0.5}),
    "step_every_step": ("step", {"lr": 1.0, "stepSize": 1, "gamma": 0.9}),
    "step_30_tenth": ("step", {"lr": 0.05, "stepSize": 30, "gamma": 0.1}),

    "multiStep": ("multiStep", {"lr": 0.1, "milestones": [10, 25, 40], "gamma": 0.1}),
    # torch keeps milestones in a Counter: a repeated milestone applies gamma twice.
    "multiStep_repeated": ("multiStep", {"lr": 0.1, "milestones": [5, 20, 20, 45], "gamma": 0.5}),
    # a milestone at 0 already applies to the rate before any step.
    "multiStep_at_zero": ("multiStep", {"lr": 0.2, "milestones": [0, 12], "gamma": 0.3}),

    "exponential": ("exponential", {"lr": 0.1, "gamma": 0.95}),
    "exponential_fast": ("exponential", {"lr": 1.0, "gamma": 0.5}),
    "exponential_growing": ("exponential", {"lr": 0.01, "gamma": 1.05}),

    "cosine": ("cosine", {"lr": 0.1, "tMax": 60, "etaMin": 0.0}),
    # beyond tMax the rate climbs back up: 6 half-periods in 60 steps.
    "cosine_beyond_tMax": ("cosine", {"lr": 0.1, "tMax": 10, "etaMin": 0.001}),
    "cosine_beyond_tMax_odd": ("cosine", {"lr": 0.5, "tMax": 17, "etaMin": 0.05}),
    "cosine_tMax_1": ("cosine", {"lr": 1.0, "tMax": 1, "etaMin": 0.0}),

    "warmRestarts_tMult_1": ("cosineWarmRestarts", {"lr": 0.1, "t0": 10, "tMult": 1, "etaMin": 0.0}),
    "warmRestarts_tMult_2": ("cosineWarmRestarts", {"lr": 0.1, "t0": 5, "tMult": 2, "etaMin": 0.001}),
    "warmRestarts_tMult_3": ("cosineWarmRestarts", {"lr": 0.3, "t0": 3, "tMult": 3, "etaMin": 0.01}),
    "warmRestarts_t0_1": ("cosineWarmRestarts", {"lr": 0.1, "t0": 1, "tMult": 1, "etaMin": 0.0}),

    "linear_torch_defaults": ("linear", {"lr": 0.1, "startFactor": 1.0 / 3, "endFactor": 1.0, "totalIters": 5}),
    "linear_decreasing": ("linear", {"lr": 0.1, "startFactor": 0.5, "endFactor": 0.1, "totalIters": 20}),
    "linear_to_zero": ("linear", {"lr": 0.2, "startFactor": 1.0, "endFactor": 0.0, "totalIters": 40}),

    "oneCycle_cos": ("oneCycle", {"maxLr": 0.1, "totalSteps": 60, "pctStart": 0.3, "anneal": "cos",
                                  "divFactor": 25.0, "finalDivFactor": 1e4, "threePhase": False}),
    "oneCycle_linear": ("oneCycle", {"maxLr": 0.1, "totalSteps": 60, "pctStart": 0.3, "anneal": "linear",
                                     "divFactor": 25.0, "finalDivFactor": 1e4, "threePhase": False}),
    "oneCycle_threePhase_cos": ("oneCycle", {"maxLr": 0.1, "totalSteps": 60, "pctStart": 0.3, "anneal": "cos",
                                             "divFactor": 25.0, "finalDivFactor": 1e4, "threePhase": True}),
    "oneCycle_threePhase_linear": ("oneCycle", {"maxLr": 0.5, "totalSteps": 47, "pctStart": 0.25,
                                                "anneal": "linear", "divFactor": 10.0, "finalDivFactor": 100.0,
                                                "threePhase": True}),
    # pctStart * totalSteps is not an integer: phase ends fall between steps.
    "oneCycle_fractional_phase": ("oneCycle", {"maxLr": 1.0, "totalSteps": 37, "pctStart": 0.45, "anneal": "cos",
                                               "divFactor": 5.0, "finalDivFactor": 50.0, "threePhase": False}),
    # pctStart * totalSteps < 1: torch skips the warm-up phase (step 0 is already annealing down).
    "oneCycle_tiny_pctStart": ("oneCycle", {"maxLr": 0.1, "totalSteps": 60, "pctStart": 0.01, "anneal": "cos",
                                            "divFactor": 25.0, "finalDivFactor": 1e4, "threePhase": False}),

    "warmup_into_cosine": ("linearWarmup", {"warmupSteps": 5, "startFactor": 0.1,
                                            "after": {"kind": "cosine",
                                                      "params": {"lr": 0.1, "tMax": 55, "etaMin": 0.0}}}),
    "warmup_into_step": ("linearWarmup", {"warmupSteps": 10, "startFactor": 0.25,
                                          "after": {"kind": "step",
                                                    "params": {"lr": 0.1, "stepSize": 15, "gamma": 0.5}}}),
    "warmup_into_exponential": ("linearWarmup", {"warmupSteps": 1, "startFactor": 0.5,
                                                 "after": {"kind": "exponential",
                                                           "params": {"lr": 0.2, "gamma": 0.9}}}),
    "warmup_into_warmRestarts": ("linearWarmup", {"warmupSteps": 8, "startFactor": 1.0 / 3,
                                                  "after": {"kind": "cosineWarmRestarts",
                                                            "params": {"lr": 0.05, "t0": 6, "tMult": 2,
                                                                       "etaMin": 0.0}}}),
}


def base_lr(kind, params):
    if kind == "oneCycle":
        return params["maxLr"]  # OneCycleLR overwrites the optimizer's lr with max_lr / div_factor
    if kind == "linearWarmup":
        return base_lr(params["after"]["kind"], params["after"]["params"])
    return params["lr"]


def scheduler(opt, kind, p):
    if kind == "constant":
        return lr_scheduler.LambdaLR(opt, lambda t: 1.0)
    if kind == "step":
        return lr_scheduler.StepLR(opt, step_size=p["stepSize"], gamma=p["gamma"])
    if kind == "multiStep":
        return lr_scheduler.MultiStepLR(opt, milestones=p["milestones"], gamma=p["gamma"])
    if kind == "exponential":
        return lr_scheduler.ExponentialLR(opt, gamma=p["gamma"])
    if kind == "cosine":
        return lr_scheduler.CosineAnnealingLR(opt, T_max=p["tMax"], eta_min=p["etaMin"])
    if kind == "cosineWarmRestarts":
        return lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=p["t0"], T_mult=p["tMult"], eta_min=p["etaMin"])
    if kind == "linear":
        return lr_scheduler.LinearLR(opt, start_factor=p["startFactor"], end_factor=p["endFactor"],
                                     total_iters=p["totalIters"])
    if kind == "oneCycle":
        return lr_scheduler.OneCycleLR(opt, max_lr=p["maxLr"], total_steps=p["totalSteps"],
                                       pct_start=p["pctStart"], anneal_strategy=p["anneal"],
                                       cycle_momentum=False, div_factor=p["divFactor"],
                                       final_div_factor=p["finalDivFactor"], three_phase=p["threePhase"])
    if kind == "linearWarmup":
        warmup = lr_scheduler.LinearLR(opt, start_factor=p["startFactor"], end_factor=1.0,
                                       total_iters=p["warmupSteps"])
        after = scheduler(opt, p["after"]["kind"], p["after"]["params"])
        return lr_scheduler.SequentialLR(opt, [warmup, after], milestones=[p["warmupSteps"]])
    raise ValueError("unknown kind " + kind)


def lrs(kind, params):
    param = torch.nn.Parameter(torch.zeros(1))
    param.grad = torch.zeros(1)
    opt = torch.optim.SGD([param], lr=base_lr(kind, params))
    sched = scheduler(opt, kind, params)
    steps = params["totalSteps"] - 1 if kind == "oneCycle" else STEPS
    out = [opt.param_groups[0]["lr"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(opt.param_groups[0]["lr"])
    return out


def main():
    # SequentialLR calls step(0) on the scheduler after the milestone, which warns that epoch
    # arguments are deprecated; the values are what we want to record.
    warnings.filterwarnings("ignore", category=UserWarning)
    cases = {name: {"kind": kind, "params": params, "lrs": lrs(kind, params)}
             for name, (kind, params) in CASES.items()}
    out = {
        "generator": "core-java/src/test/resources/reference/generate_schedule_reference.py",
        "torch_version": torch.__version__,
        "description": "learning rate after t scheduler steps (lrs[t]) for torch.optim.lr_scheduler "
                       "classes; see the generator's docstring",
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schedules.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", path, "with", len(cases), "cases")


if __name__ == "__main__":
    main()
