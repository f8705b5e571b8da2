#!/usr/bin/python3
"""PyTorch peer of Polyhead's W1-predict workload: the latency of one inference call on W1's network.

usage: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=2 \\
           /usr/bin/python3 torch_predict.py [--threads 2] [--reps 1] [--warmup 20] [--steps 60] [--out FILE]

One call, as Polyhead's Predictor.predict does it: the model in eval() mode under torch.no_grad(), forward
(trunk 784 -> Linear 256 -> ReLU -> Linear 128 -> ReLU, heads Linear(128, 10) and Linear(128, 5)), then each head's
softmax and predicted class (argmax), for a batch of 1 and of 64 random samples (a pool of 8 inputs, as the bench).
Protocol as torch_baseline.py: every configuration measured --reps times round-robin, each measurement --warmup
untimed calls then --steps individually timed ones, its value the median call. Output JSON: {"info": ...,
"predict": {"W1 predict b1": {"batch": 1, "ms": {"median", "min", "max", "n"}, "all_ms": [...]}, ...}}; ratios.py
reads it from OUT_DIR/torch-predict-N.json.
"""
import json, statistics, time

import torch
import torch.nn as nn

from peer_protocol import protocol_args


class MlpMtl(nn.Module):
    """W1 mlp-mtl, as torch_baseline.py's."""

    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU())
        self.head1 = nn.Linear(128, 10)
        self.head2 = nn.Linear(128, 5)

    def forward(self, x):
        h = self.trunk(x)
        return self.head1(h), self.head2(h)


def predict(model, x):
    with torch.no_grad():
        o1, o2 = model(x)
        p1 = torch.softmax(o1, dim=1)
        p2 = torch.softmax(o2, dim=1)
        return o1, p1, p1.argmax(dim=1), o2, p2, p2.argmax(dim=1)


def measure(model, xs, warmup, steps):
    for i in range(warmup):
        predict(model, xs[i % len(xs)])
    ts = []
    for i in range(steps):
        x = xs[i % len(xs)]
        t0 = time.perf_counter()
        predict(model, x)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    args, info = protocol_args()
    torch.manual_seed(0)
    model = MlpMtl().eval()
    g = torch.Generator().manual_seed(0)
    configs = {f"W1 predict b{b}": (b, [torch.randn((b, 784), generator=g) for _ in range(8)]) for b in (1, 64)}
    results = {k: [] for k in configs}
    for _ in range(args.reps):
        for k, (b, xs) in configs.items():
            results[k].append(measure(model, xs, args.warmup, args.steps))
    out = {"info": info, "predict": {}}
    for k, (b, _) in configs.items():
        v = results[k]
        out["predict"][k] = {"batch": b, "ms": {"median": statistics.median(v) * 1e3, "min": min(v) * 1e3,
                                                "max": max(v) * 1e3, "n": len(v)},
                             "all_ms": [t * 1e3 for t in v]}
        print(f"{k:20s} {statistics.median(v) * 1e3:9.4f} ms")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
