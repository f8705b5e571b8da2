"""Writes toy.csv: 600 rows, features x1..x4 ~ N(0, 1), two targets with some labels missing (empty cells).

kind  = class 0, 1 or 2 by the sign pattern of x1 + x2 and x3 (argmax of [x1 + x2, x3, -x1 - x3]); empty in 10 % of rows
price = 2*x1 - x3 + 0.5*x2*x4 + N(0, 0.1^2); empty in 10 % of rows
Standard library only, seeded: `python3 make_toy.py` reproduces the committed file.
"""
import csv
import random

rng = random.Random(7)
with open("toy.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["x1", "x2", "x3", "x4", "kind", "price"])
    for _ in range(600):
        x = [rng.gauss(0, 1) for _ in range(4)]
        scores = [x[0] + x[1], x[2], -x[0] - x[2]]
        kind = scores.index(max(scores))
        price = 2 * x[0] - x[2] + 0.5 * x[1] * x[3] + rng.gauss(0, 0.1)
        w.writerow([f"{v:.4f}" for v in x]
                   + ["" if rng.random() < 0.1 else kind, "" if rng.random() < 0.1 else f"{price:.4f}"])
