#!/usr/bin/python3
"""The Brown results table (issue 17): Polyhead's runs (samples/scripts/brown_table.sh) beside PyTorch's
(samples/pytorch/brown_bilstm.py), as a Markdown table on standard output.

usage (from the repository root):
    python3 samples/scripts/brown_table.py RUNS TORCH_JSON

RUNS holds Polyhead's run folders <config>-s<seed> (each with metrics.json and history.csv); TORCH_JSON is the
PyTorch script's --out file. Per configuration and side: the test accuracy of each task (token accuracy for fine and
universal, sentence accuracy for genre) as mean ± sample standard deviation over the seeds that finished, the number
of seeds, Delta_m against the same side's single-task models (Maninis et al. 2019, as polyhead.metrics.DeltaM: the
mean over the three tasks of (single - multi) / single in percent, positive = worse than single-task; from the means
over seeds) and the mean training seconds per epoch. Then, for each configuration both sides ran, the difference of
the means (Polyhead - PyTorch) per task with Welch's t statistic, so "within seed noise" can be judged: |t| < 2 is
read as within noise (with 2-3 seeds a rough guide, not a test at a stated level).
"""
import csv, json, math, os, re, statistics, sys

TASKS = ("fine", "universal", "genre")  # each also names its single-task configuration
ORDER = TASKS + ("equal", "uncertainty", "mgda")


def polyhead_runs(folder):
    """{config: {seed: ({task: accuracy}, mean seconds per epoch)}} from the finished run folders."""
    runs = {}
    for name in sorted(os.listdir(folder)):
        m = re.fullmatch(r"(.+)-s(\d+)", name)
        metrics = os.path.join(folder, name, "metrics.json")
        if not m or not os.path.exists(metrics):
            continue
        with open(metrics) as f:
            test = json.load(f)["test"]
        with open(os.path.join(folder, name, "history.csv")) as f:
            seconds = [float(r["seconds"]) for r in csv.DictReader(f)]
        runs.setdefault(m.group(1), {})[int(m.group(2))] = (
            {t: test[t]["accuracy"] for t in TASKS if t in test}, statistics.mean(seconds))
    return runs


def torch_runs(path):
    with open(path) as f:
        data = json.load(f)
    return {config: {int(seed): (r["test"], statistics.mean(r["epoch_s"])) for seed, r in by_seed.items()}
            for config, by_seed in data["runs"].items()}, data


def stats(values):
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else None
    return mean, sd


def summarize(runs):
    """{config: {task: (mean, sd, n)}}, {config: mean s/epoch}, {config: seeds}."""
    table, seconds, seeds = {}, {}, {}
    for config, by_seed in runs.items():
        table[config] = {t: stats([acc[t] for acc, _ in by_seed.values()]) + (len(by_seed),)
                         for t in TASKS if all(t in acc for acc, _ in by_seed.values())}
        seconds[config] = statistics.mean(s for _, s in by_seed.values())
        seeds[config] = sorted(by_seed)
    return table, seconds, seeds


def delta_m(table, config):
    if config in TASKS or config not in table or not all(t in table and t in table[t] for t in TASKS):
        return None
    return 100 * statistics.mean((table[t][t][0] - table[config][t][0]) / table[t][t][0] for t in TASKS)


def cell(v):
    if v is None:
        return "—"
    mean, sd, n = v
    return f"{mean:.4f}" + (f" ± {sd:.4f}" if sd is not None else "")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: brown_table.py RUNS TORCH_JSON")
    sides = {"Polyhead": polyhead_runs(sys.argv[1])}
    torch, data = torch_runs(sys.argv[2])
    sides[f"PyTorch {data['torch']}"] = torch
    summaries = {side: summarize(runs) for side, runs in sides.items()}
    print("| configuration | side | fine (token acc.) | universal (token acc.) | genre (sentence acc.) | seeds | Δm % | s/epoch |")
    print("|---|---|---|---|---|---|---|---|")
    for config in ORDER:
        for side, (table, seconds, seeds) in summaries.items():
            if config not in table:
                continue
            d = delta_m(table, config)
            cells = " | ".join(cell(table[config].get(t)) for t in TASKS)
            print(f"| {config} | {side} | {cells} | {','.join(map(str, seeds[config]))} | "
                  + (f"{d:+.2f}" if d is not None else "—") + f" | {seconds[config]:.0f} |")
    print()
    (poly, _, _), (peer, _, _) = (summaries[s] for s in sides)
    print("| configuration | task | Polyhead − PyTorch | Welch t |")
    print("|---|---|---|---|")
    for config in ORDER:
        if config not in poly or config not in peer:
            continue
        for t in TASKS:
            if t not in poly[config] or t not in peer[config]:
                continue
            (m1, s1, n1), (m2, s2, n2) = poly[config][t], peer[config][t]
            se = math.sqrt((s1 or 0) ** 2 / n1 + (s2 or 0) ** 2 / n2) if s1 is not None and s2 is not None else None
            tstat = f"{(m1 - m2) / se:+.2f}" if se else "— (needs 2 seeds a side)"
            print(f"| {config} | {t} | {m1 - m2:+.4f} | {tstat} |")


if __name__ == "__main__":
    main()
