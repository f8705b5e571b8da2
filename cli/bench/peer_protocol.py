"""What the PyTorch peer scripts of cli/bench (torch_predict.py, torch_w4.py) share: the protocol's command-line
options (--threads, --reps, --warmup, --steps, --out, as torch_baseline.py's) and the run's "info" record."""
import argparse, platform

import torch


def protocol_args(*extra):
    """Parses the protocol's options plus `extra` ((name, kwargs) pairs for add_argument), sets torch's threads, and
    returns (args, info)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--out", default="")
    for name, kwargs in extra:
        ap.add_argument(name, **kwargs)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    blas = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l})
    info = {"torch": torch.__version__, "python": platform.python_version(), "threads": torch.get_num_threads(),
            "blas_loaded": blas, "args": vars(args)}
    return args, info
