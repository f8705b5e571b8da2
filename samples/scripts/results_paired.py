#!/usr/bin/env python3
"""Paired view of a ResultsTable run: each model's Δm minus equal weighting's Δm on the same seed.

The table's ± is the spread over seeds, and on the MMoE tasks most of it is the seed's generator, which every model
of that seed shares; the per-seed difference to equal weighting removes it. Reads the log ResultsTable prints
(lines "  seed S NAME {...}  delta-m +X.XX%  ...") of one or more runs (the rows of several logs are merged; a
model in two logs must agree) and prints, per problem, mean ± sd over seeds of the difference, and on how many
seeds the model beat equal weighting (lower Δm).

usage: python3 samples/scripts/results_paired.py LOG [LOG...]
"""
import re
import statistics
import sys

ROW = re.compile(r"^  seed (\d+) (.+?)\s+\{.*\}\s+delta-m ([+-]\d+\.\d+)%")
# the problem's title as ResultsTable prints it before its rows, e.g. "MMoE synthetic, rho 0.90 (10,000 training / ..."
TITLE = re.compile(r"^([^#|\s].*?) \(.* training / ")


def main(paths):
    problems = {}
    for path in paths:
        try:
            lines = open(path, encoding="utf-8").read().splitlines()
        except OSError as e:
            sys.exit(f"results_paired.py: cannot read {path}: {e.strerror}")
        title = None
        for line in lines:
            t = TITLE.match(line)
            if t:
                title = t.group(1)
            m = ROW.match(line)
            if m and title:
                seed, name, dm = int(m.group(1)), m.group(2).strip(), float(m.group(3))
                cell = problems.setdefault(title, {}).setdefault(name, {})
                if seed in cell and cell[seed] != dm:
                    sys.exit(f"results_paired.py: {path}: {title} {name} seed {seed}: {dm} but {cell[seed]} elsewhere")
                cell[seed] = dm
    for title, models in problems.items():
        equal = models.get("equal (hardSharing)")
        if not equal:
            sys.exit(f"results_paired.py: {title}: no equal (hardSharing) rows to pair with")
        print(f"{title}: Δm minus equal weighting's Δm on the same seed (negative = better than equal)")
        rows = []
        for name, seeds in models.items():
            if name == "equal (hardSharing)":
                continue
            common = sorted(set(seeds) & set(equal))
            d = [seeds[s] - equal[s] for s in common]
            sd = statistics.stdev(d) if len(d) > 1 else float("nan")
            rows.append((statistics.mean(d), sd, sum(x < 0 for x in d), len(d), name))
        for mean, sd, wins, n, name in sorted(rows):
            print(f"  {name:26s} {mean:+6.2f} ± {sd:5.2f}   better on {wins}/{n} seeds")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    main(sys.argv[1:])
