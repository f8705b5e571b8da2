#!/usr/bin/env python3
"""Multi-Fashion under Lin et al.'s published protocol in PyTorch, to tell Polyhead's trainer from the protocol.

Lin et al. (Pareto Multi-Task Learning, NeurIPS 2019) train their MultiLeNet with SGD (lr 1e-3, momentum 0.9, halved
every 15 epochs, batch 256) on 120,000 Multi-Fashion canvases and report about 0.80 single-task accuracy per task.
Polyhead's run of that protocol (``MultiFashionComparison --full``) reaches 0.74 / 0.75 on the training images. This
script trains the same network and protocol in PyTorch on canvases composed the way ``polyhead.datasets.MultiFashion``
(recipe PARETO_MTL) composes them, so that

* at ``--scale 1`` (pixels in [0, 1], as Polyhead feeds them) its losses show whether Polyhead's run trains as
  PyTorch does, and
* at ``--scale 255`` it shows what the protocol gives if the published pickles held 0..255 pixel values: their
  ``train.py`` feeds the pickles' values unnormalized and the pickles cannot be fetched here, so their scale is
  unknown.

The canvases are drawn with NumPy's generator from the same recipe (same distribution, not the same images as
Polyhead's, which uses Java's). The network is written here from the paper's description (conv 10@9x9, ReLU, max pool
2, conv 20@5x5, ReLU, max pool 2, dense 50, ReLU, a dense 10 head per task), with PyTorch's default initialization.
Like Lin et al.'s script, the learning-rate schedule is stepped at the start of each epoch (MultiStepLR with
milestones 15, 30, ..., 90), which halves the rate one epoch earlier than the milestones say.

usage: /usr/bin/python3 multifashion_protocol.py (Debian's python3-torch) [--task left|right] [--epochs 15] [--scale 1] [--train 120000] [--test 20000]
       [--seed 0] [--threads 1] [--out FILE.json]
Reads Debian's Fashion-MNIST (/usr/share/datasets/fashion-mnist, package fashion-mnist) or --data DIR.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CANVAS, ITEM, MAX_SHIFT = 36, 28, 4


def idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def compose(images, labels, n, rng):
    """Left item shifted 0..4 px up and left of the centre, right item 0..4 px down and right, classes differ,
    overlap by pixel-wise maximum, pixels in [0, 1]: the PARETO_MTL recipe of polyhead.datasets.MultiFashion."""
    out = np.zeros((n, 1, CANVAS, CANVAS), dtype=np.float32)
    left = np.concatenate([rng.permutation(len(images)) for _ in range(n // len(images) + 1)])[:n]
    right = np.empty(n, dtype=np.int64)
    for i in range(n):
        r = rng.integers(len(images))
        while labels[r] == labels[left[i]]:
            r = rng.integers(len(images))
        right[i] = r
    shifts = rng.integers(0, MAX_SHIFT + 1, size=(n, 4))
    pad = (CANVAS - ITEM) // 2
    for i in range(n):
        lr, lc = pad - shifts[i, 0], pad - shifts[i, 1]
        rr, rc = pad + shifts[i, 2], pad + shifts[i, 3]
        c = out[i, 0]
        c[lr:lr + ITEM, lc:lc + ITEM] = np.maximum(c[lr:lr + ITEM, lc:lc + ITEM], images[left[i]])
        c[rr:rr + ITEM, rc:rc + ITEM] = np.maximum(c[rr:rr + ITEM, rc:rc + ITEM], images[right[i]])
    return out, labels[left].astype(np.int64), labels[right].astype(np.int64)


class MultiLeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 9)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.fc = nn.Linear(500, 50)
        self.head = nn.Linear(50, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.head(F.relu(self.fc(x.flatten(1))))


def accuracy(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    model.train()
    return correct / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--task", choices=["left", "right"], default="left")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies every pixel (1: [0, 1]; 255: 0..255)")
    p.add_argument("--train", type=int, default=120000)
    p.add_argument("--test", type=int, default=20000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out")
    a = p.parse_args()
    for name, value in (("--scale", a.scale), ("--epochs", a.epochs), ("--train", a.train), ("--test", a.test)):
        if not value > 0:
            sys.exit(f"multifashion_protocol.py: {name} must be > 0, got {value}")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    try:
        tr_img = idx(os.path.join(a.data, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255
        tr_lab = idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz"))
        te_img = idx(os.path.join(a.data, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255
        te_lab = idx(os.path.join(a.data, "t10k-labels-idx1-ubyte.gz"))
    except OSError as e:
        sys.exit(f"multifashion_protocol.py: cannot read Fashion-MNIST in {a.data}: {e.strerror}: {e.filename}")
    task = 0 if a.task == "left" else 1
    x, *ys = compose(tr_img, tr_lab, a.train, rng)
    tx, *tys = compose(te_img, te_lab, a.test, rng)
    x, tx = torch.from_numpy(x * a.scale), torch.from_numpy(tx * a.scale)
    y, ty = torch.from_numpy(ys[task]), torch.from_numpy(tys[task])
    model = MultiLeNet()
    opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[15, 30, 45, 60, 75, 90], gamma=0.5)
    history = []
    for epoch in range(a.epochs):
        sched.step()  # at the start of the epoch, as Lin et al.'s train.py (the pre-1.1 PyTorch order)
        lr = opt.param_groups[0]["lr"]
        start = time.time()
        order = torch.randperm(len(x))
        total, batches = 0.0, 0
        for i in range(0, len(x), 256):
            b = order[i:i + 256]
            loss = F.cross_entropy(model(x[b]), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
        row = {"epoch": epoch + 1, "lr": lr, "train_loss": total / batches, "seconds": time.time() - start}
        if epoch == a.epochs - 1 or (epoch + 1) % 5 == 0:
            row["train_accuracy"] = accuracy(model, x, y)
            row["test_accuracy"] = accuracy(model, tx, ty)
        history.append(row)
        print(json.dumps(row), flush=True)
    result = {"torch": torch.__version__, "task": a.task, "scale": a.scale, "train": a.train, "test": a.test,
              "seed": a.seed, "history": history}
    if a.out:
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(result, f, indent=1)
        os.replace(tmp, a.out)


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore", message=".*lr_scheduler.step.*")
    main()
