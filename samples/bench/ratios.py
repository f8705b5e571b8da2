#!/usr/bin/python3
"""Ratios of Polyhead's bench (Bench --json) to the PyTorch peer (torch_baseline.py --out), measured in the same run.

usage: ratios.py OUT_DIR    (reads OUT_DIR/torch-N.json and OUT_DIR/java-N.json for every round N)

Per round, each ratio compares the two sides measured back to back; the table shows the median over rounds and the
min..max. Step ratios are Polyhead time / PyTorch time (below 1: Polyhead is faster); GEMM ratios are Polyhead
GFLOPS / PyTorch GFLOPS (above 1: Polyhead is faster).

PyTorch's forward+backward is the sum of its fwd and bwd phase medians from torch_baseline.py (fwd = zero_grad +
forward + losses, bwd = backward), as the script has no option to time forward+backward alone; its full step with
Adam is shown alongside for reference, never in a ratio.
"""
import glob, json, os, re, statistics, sys


def load(out_dir):
    rounds = []
    for tp in sorted(glob.glob(os.path.join(out_dir, "torch-*.json"))):
        n = re.search(r"torch-(\d+)\.json$", tp).group(1)
        jp = os.path.join(out_dir, f"java-{n}.json")
        if os.path.exists(jp):
            with open(tp) as f, open(jp) as g:
                rounds.append((json.load(f), json.load(g)))
    if not rounds:
        sys.exit(f"no torch-N.json / java-N.json pairs in {out_dir}")
    return rounds


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def span(xs):
    return f"{min(xs):.2f}..{max(xs):.2f}" if xs else "-"


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    rounds = load(out_dir)
    java_keys = list(rounds[0][1]["results"].keys())
    gemms = []
    for k in java_keys:
        g = k.split(" | ")[1]
        if g not in gemms:
            gemms.append(g)

    print(f"{len(rounds)} round(s), each PyTorch then Polyhead back to back")
    t_info = rounds[0][0]["info"]
    j_info = rounds[0][1]["info"]
    print(f"PyTorch {t_info['torch']} threads={t_info['threads']} blas={','.join(os.path.basename(b) for b in t_info['blas_loaded'])}")
    print(f"Polyhead on {j_info['java']}, {j_info['cpu']}, {j_info['processors']} processors, threads={j_info['threads']}")

    # training steps: forward+backward
    steps = [("W1 mlp-mtl b32", "W1 mlp-mtl b32 adam"), ("W1 mlp-mtl b128", "W1 mlp-mtl b128 adam"),
             ("W1 mlp-mtl b512", "W1 mlp-mtl b512 adam"), ("W2 lenet-mtl b256", "W2 lenet-mtl b256 adam")]
    print("\nforward+backward, ms per step (medians over rounds); ratio = Polyhead / PyTorch, median (min..max) over rounds")
    head = f"{'workload':20s} {'PyTorch f+b':>11s} {'(full Adam)':>11s}"
    for g in gemms:
        head += f" {g + ' ms':>13s} {'ratio':>6s} {'(range)':>12s}"
    print(head)
    for jname, tname in steps:
        tfb = [r[0]["steps"][tname]["fwd_ms"] + r[0]["steps"][tname]["bwd_ms"] for r in rounds if tname in r[0]["steps"]]
        tfull = [r[0]["steps"][tname]["ms"]["median"] for r in rounds if tname in r[0]["steps"]]
        line = f"{jname:20s} {med(tfb):11.3f} {med(tfull):11.3f}"
        found = False
        for g in gemms:
            key = f"{jname} fwd+bwd | {g}"
            js = [r[1]["results"][key]["ms"] for r in rounds if key in r[1]["results"]]
            ratios = [r[1]["results"][key]["ms"] / (r[0]["steps"][tname]["fwd_ms"] + r[0]["steps"][tname]["bwd_ms"])
                      for r in rounds if key in r[1]["results"] and tname in r[0]["steps"]]
            found |= bool(js)
            line += f" {med(js):13.3f} {med(ratios):6.2f} {span(ratios):>12s}" if js else f" {'-':>13s} {'':6s} {'':12s}"
        if found:
            print(line)

    print("\nW3 sgemm, GFLOPS (medians over rounds); ratio = Polyhead / PyTorch, median (min..max) over rounds")
    head = f"{'product':28s} {'PyTorch':>8s}"
    for g in gemms:
        head += f" {g:>10s} {'ratio':>6s} {'(range)':>12s}"
    print(head)
    for name in ("W3 sgemm 1024x1024x1024", "W3 sgemm 256x784x256"):
        tg = [r[0]["sgemm"][name]["gflops_median"] for r in rounds if name in r[0]["sgemm"]]
        line = f"{name:28s} {med(tg):8.1f}"
        found = False
        for g in gemms:
            key = f"{name} | {g}"
            jg = [r[1]["results"][key]["gflops"] for r in rounds if key in r[1]["results"]]
            ratios = [r[1]["results"][key]["gflops"] / r[0]["sgemm"][name]["gflops_median"]
                      for r in rounds if key in r[1]["results"] and name in r[0]["sgemm"]]
            found |= bool(jg)
            line += f" {med(jg):10.1f} {med(ratios):6.2f} {span(ratios):>12s}" if jg else f" {'-':>10s} {'':6s} {'':12s}"
        if found:
            print(line)


if __name__ == "__main__":
    main()
