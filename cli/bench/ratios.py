#!/usr/bin/python3
"""Ratios of Polyhead's bench (Bench --json) to the PyTorch peer (torch_baseline.py --out), measured in the same run.

usage: ratios.py OUT_DIR    (reads OUT_DIR/torch-N.json and OUT_DIR/java-N.json for every round N, and
                             OUT_DIR/torch-predict-N.json, torch_predict.py's, and OUT_DIR/torch-w4-N.json,
                             torch_w4.py's, when there are; the same files of a second peer, torch2-N.json, ...,
                             when run_peer.sh ran one, give a second table)

Per round, each ratio compares the two sides measured back to back; the table shows the median over rounds and the
min..max. Step and epoch ratios are Polyhead time / PyTorch time (below 1: Polyhead is faster); GEMM ratios are
Polyhead GFLOPS / PyTorch GFLOPS (above 1: Polyhead is faster).

Full steps (zero_grad + forward + losses + backward + optimizer step) are compared with the peer's configuration of
the same name ("W1 mlp-mtl b128 adam"). A Polyhead row timed as forward+backward alone (Bench --optimizers none,
named "... fwd+bwd") is compared with the sum of the peer's fwd and bwd phase medians of its Adam configuration, as
torch_baseline.py has no option to time forward+backward alone. W1-epoch compares median epoch times. W1-predict rows
("W1 predict b1", "b64": one Predictor call) are compared with torch_predict.py's rows of the same name (one call
under torch.no_grad()). W4 rows ("W4 bilstm b32 adam") are compared with torch_w4.py's rows of the same name.
"""
import glob, json, os, re, statistics, sys


# The targets (issue 21): a step or epoch ratio at most this, a GEMM ratio at least this
STEP_TARGET = 0.8
GEMM_TARGET = 0.9


def target(name):
    """The step-time target for a row, or None: W1 (all batches and optimizers), W2 and W1-epoch."""
    return STEP_TARGET if name.startswith(("W1 mlp-mtl", "W2", "W1-epoch")) else None


def load(out_dir, peer="torch"):
    """Per round N: (the peer's results, Polyhead's); the peer's are PEER-N.json (absent with BASELINE=0) and the
    "predict" rows of PEER-predict-N.json (absent before W1-predict existed); PEER is torch or torch2."""
    rounds = []
    for jp in sorted(glob.glob(os.path.join(out_dir, "java-*.json"))):
        n = re.search(r"java-(\d+)\.json$", jp).group(1)
        tp = os.path.join(out_dir, f"{peer}-{n}.json")
        pp = os.path.join(out_dir, f"{peer}-predict-{n}.json")
        wp = os.path.join(out_dir, f"{peer}-w4-{n}.json")
        if not any(os.path.exists(p) for p in (tp, pp, wp)):
            continue
        torch_round = {"info": None, "steps": {}, "sgemm": {}, "epochs": None, "predict": {}}
        if os.path.exists(tp):
            with open(tp) as f:
                torch_round.update(json.load(f))
        if os.path.exists(pp):
            with open(pp) as f:
                predict = json.load(f)
            torch_round["predict"] = predict["predict"]
            torch_round["info"] = torch_round["info"] or predict["info"]
        if os.path.exists(wp):
            with open(wp) as f:
                w4 = json.load(f)
            torch_round["steps"] = {**torch_round["steps"], **w4["steps"]}
            torch_round["info"] = torch_round["info"] or w4["info"]
        with open(jp) as g:
            rounds.append((torch_round, json.load(g)))
    if not rounds and peer == "torch":
        sys.exit(f"no java-N.json with a torch-N.json, torch-predict-N.json or torch-w4-N.json in {out_dir}")
    return rounds


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def span(xs):
    return f"{min(xs):.2f}..{max(xs):.2f}" if xs else "-"


def peer_ms(torch_round, java_name):
    """The peer's time for a Polyhead row name (without the GEMM), or None if the peer has no such row."""
    steps = torch_round["steps"]
    if java_name.startswith("W1-epoch"):
        ep = torch_round.get("epochs")
        return ep["epoch_s"]["median"] * 1e3 if ep else None
    if java_name.startswith("W1 predict"):
        t = torch_round.get("predict", {}).get(java_name)
        return t["ms"]["median"] if t else None
    if java_name.endswith(" fwd+bwd"):
        t = steps.get(java_name[: -len(" fwd+bwd")] + " adam")
        return t["fwd_ms"] + t["bwd_ms"] if t else None
    t = steps.get(java_name)
    return t["ms"]["median"] if t else None


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    first = None
    for peer in ("torch", "torch2"):
        rounds = load(out_dir, peer)
        if rounds:
            table(rounds)
            print()
            first = first or rounds
    after_change(first)
    ceiling(first)


def ceiling(rounds):
    """W1 b512's step and W3's products as shares of the machine's multiply-add ceiling (Bench's FmaCeiling, measured
    at the start of every round on the bench's threads), medians over rounds."""
    infos = [r[1]["info"] for r in rounds if "fma_ceiling_gflops" in r[1]["info"]]
    if not infos:
        return
    full = med([i["fma_ceiling_gflops"] for i in infos])
    narrow = med([i["fma_ceiling_256bit_gflops"] for i in infos])
    print(f"\nFMA ceiling (multiply-adds alone, {infos[0]['threads']} threads): {full:.1f} GFLOPS in "
          f"{infos[0]['vector_bits']}-bit vectors, {narrow:.1f} in 256-bit ones; shares (GFLOPS of the products)")
    for key in rounds[0][1]["results"]:
        name = key.split(" | ")[0]
        if name.startswith(("W1 mlp-mtl b512", "W3")):
            g = med([r[1]["results"][key]["gflops"] for r in rounds if key in r[1]["results"]])
            print(f"{name:40s} {g:7.1f} GFLOPS  {g / full * 100:5.1f}% of {full:.0f}  {g / narrow * 100:5.1f}% of {narrow:.0f}")


def after_change(rounds):
    """Polyhead's steps after a change of shape (an epoch's partial batch and an evaluation batch) against its
    steady steps, medians over rounds."""
    rows = [(key, [r[1]["results"][key] for r in rounds if key in r[1]["results"]])
            for key in rounds[0][1]["results"]]
    rows = [(k, js) for k, js in rows if "after_change_first_ms" in js[0]]
    if not rows:
        return
    print("Polyhead after a change of shape (2 steps at 3/4 of the batch, 1 forward at 1,000 samples), medians over "
          "rounds: ms, and ratio to the steady step")
    print(f"{'workload':40s} {'steady':>8s} {'first':>8s} {'ratio':>6s} {'first 5':>8s} {'ratio':>6s}")
    for key, js in rows:
        steady = med([j["ms"] for j in js])
        first = med([j["after_change_first_ms"] for j in js])
        five = med([j["after_change_mean_ms"] for j in js])
        print(f"{key.split(' | ')[0]:40s} {steady:8.3f} {first:8.3f} {first / steady:6.2f} {five:8.3f} "
              f"{five / steady:6.2f}")


def table(rounds):
    print(f"{len(rounds)} round(s), each PyTorch then Polyhead back to back")
    t_info = rounds[0][0]["info"]
    j_info = rounds[0][1]["info"]
    print(f"PyTorch {t_info['torch']} threads={t_info['threads']} blas={','.join(os.path.basename(b) for b in t_info['blas_loaded'])}")
    print(f"Polyhead on {j_info['java']}, {j_info['cpu']}, {j_info['processors']} processors, threads={j_info['threads']}")

    print("\nms per step (W1-epoch: per epoch), medians over rounds; ratio = Polyhead / PyTorch, median (min..max) over rounds;"
          "\ntarget: issue 21's bound on the ratio and how many rounds miss it")
    print(f"{'workload':40s} {'gemm':10s} {'PyTorch':>9s} {'Polyhead':>9s} {'ratio':>6s} {'(range)':>12s} "
          f"{'target':>9s}  Polyhead fwd/bwd/opt ms")
    for key in rounds[0][1]["results"]:
        name, gemm = key.split(" | ")
        if name.startswith("W3"):
            continue
        pairs = [(r[1]["results"][key], peer_ms(r[0], name)) for r in rounds if key in r[1]["results"]]
        pairs = [(j, t) for j, t in pairs if t]
        if not pairs:
            continue
        js = [j["ms"] for j, _ in pairs]
        ts = [t for _, t in pairs]
        ratios = [j["ms"] / t for j, t in pairs]
        last = pairs[-1][0]
        phases = "/".join(f"{statistics.median(j[p + '_ms'] for j, _ in pairs):.3f}" for p in ("fwd", "bwd", "opt")
                          if p + "_ms" in last)
        if "acc10" in last:
            phases = f"test acc 10-class {last['acc10']:.4f}, 5-class {last['acc5']:.4f} (last round)"
        t = target(name)
        goal = f"<={t} {sum(x > t for x in ratios)}/{len(ratios)}" if t else ""  # rounds that miss the target
        print(f"{name:40s} {gemm:10s} {med(ts):9.3f} {med(js):9.3f} {med(ratios):6.2f} {span(ratios):>12s} "
              f"{goal:>9s}  {phases}")

    if any(key.startswith("W3") for key in rounds[0][1]["results"]):
        print("\nW3 sgemm, GFLOPS (medians over rounds); ratio = Polyhead / PyTorch, median (min..max) over rounds")
        print(f"{'product':28s} {'gemm':10s} {'PyTorch':>8s} {'Polyhead':>9s} {'ratio':>6s} {'(range)':>12s} "
              f"{'target':>9s}")
    for key in rounds[0][1]["results"]:
        name, gemm = key.split(" | ")
        if not name.startswith("W3"):
            continue
        pairs = [(r[1]["results"][key]["gflops"], r[0]["sgemm"][name]["gflops_median"])
                 for r in rounds if key in r[1]["results"] and name in r[0]["sgemm"]]
        if not pairs:
            continue
        ratios = [j / t for j, t in pairs]
        goal = f">={GEMM_TARGET} {sum(x < GEMM_TARGET for x in ratios)}/{len(ratios)}"
        print(f"{name:28s} {gemm:10s} {med([t for _, t in pairs]):8.1f} {med([j for j, _ in pairs]):9.1f} "
              f"{med(ratios):6.2f} {span(ratios):>12s} {goal:>9s}")


if __name__ == "__main__":
    main()
