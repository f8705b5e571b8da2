#!/usr/bin/python3
"""PyTorch peer of Polyhead's W4 workloads (issue 17): full training steps of two sequence taggers with three heads.

usage: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=2 \\
           /usr/bin/python3 torch_w4.py [--threads 2] [--reps 1] [--warmup 20] [--steps 60] [--out FILE]
           [--workloads w4-bilstm,w4-transformer]

Workloads (as Polyhead's polyhead.cli.bench.W4Models, parameter name for parameter name):
  W4 bilstm       Embedding(10000, 100) -> 1-layer bidirectional LSTM, hidden 128 each way, over
                  pack_padded_sequence(lengths, enforce_sorted=False), back through pad_packed_sequence
  W4 transformer  Embedding(10000, 128) + sinusoidal positions (Vaswani et al. 2017, Sec. 3.5) -> 2-layer
                  TransformerEncoder (d_model 128, 4 heads, feed-forward 512, post-norm, ReLU, dropout 0.0,
                  batch_first=True) with src_key_padding_mask from the lengths
  both then three heads: fine = Linear(width, 472) and universal = Linear(width, 12) at every token, genre =
  Linear(width, 15) on the mean of each sentence's valid tokens; loss = CE(fine) + CE(universal) + CE(genre), the
  token ones averaged over the non-padding tokens (ignore_index).
Batch 32; a pool of 8 batches drawn by the rule of polyhead.cli.bench.W4Batches (Knuth's MMIX LCG from seed 0:
s <- s*6364136223846793005 + 1442695040888963407 mod 2^64, draw(n) = (s >> 33) % n; per sentence the length
1 + draw(50), per token the id 1 + draw(9999), fine tag draw(472), universal tag draw(12), then the genre draw(15);
id 0 pads each batch to its longest sentence). Adam, lr 1e-3.

A full step as torch_baseline.py times it: zero_grad(set_to_none=True) + forward + losses (phase fwd), backward (bwd),
optimizer.step() (opt). Protocol as torch_baseline.py: every configuration measured --reps times round-robin, each
measurement --warmup untimed steps then --steps individually timed ones, its value the median step. Output JSON:
{"info": ..., "steps": {"W4 bilstm b32 adam": {"batch", "ms": {"median", "min", "max", "n"}, "all_ms", "fwd_ms",
"bwd_ms", "opt_ms"}, ...}}; ratios.py reads it from OUT_DIR/torch-w4-N.json.
"""
import json, math, statistics, time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from peer_protocol import protocol_args

MASK64 = (1 << 64) - 1
W4 = dict(vocabulary=10000, max_length=50, embedding=100, hidden=128, heads=4, feed_forward=512, fine=472,
          universal=12, genres=15)
BATCH = 32
POOL = 8


class W4Batches:
    """The rule of polyhead.cli.bench.W4Batches, draw for draw."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def draw(self, n):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK64
        return (self.state >> 33) % n

    def next(self, batch, s):
        """tokens [B, T] (0 at padding), lengths [B], fine and universal [B, T] (-100 at padding), genre [B]."""
        sentences = []
        for _ in range(batch):
            n = 1 + self.draw(s["max_length"])
            toks = []
            for _ in range(n):
                toks.append((1 + self.draw(s["vocabulary"] - 1), self.draw(s["fine"]), self.draw(s["universal"])))
            sentences.append((toks, self.draw(s["genres"])))
        t = max(len(toks) for toks, _ in sentences)
        tokens = torch.zeros((batch, t), dtype=torch.long)
        fine = torch.full((batch, t), -100, dtype=torch.long)
        universal = torch.full((batch, t), -100, dtype=torch.long)
        for b, (toks, _) in enumerate(sentences):
            for i, (tok, f, u) in enumerate(toks):
                tokens[b, i], fine[b, i], universal[b, i] = tok, f, u
        lengths = torch.tensor([len(toks) for toks, _ in sentences])
        genre = torch.tensor([g for _, g in sentences])
        return tokens, lengths, fine, universal, genre


class Tagger(nn.Module):
    """Embedding -> encoder [B, T, width] -> the three heads; loss() is the step's loss."""

    def heads(self, s, width):
        self.fine = nn.Linear(width, s["fine"])
        self.universal = nn.Linear(width, s["universal"])
        self.genre = nn.Linear(width, s["genres"])

    def loss(self, tokens, lengths, fine, universal, genre):
        h = self.encode(self.embedding(tokens), lengths)
        mask = (torch.arange(h.shape[1])[None, :] < lengths[:, None]).to(h.dtype)
        pooled = (h * mask[:, :, None]).sum(1) / lengths[:, None].to(h.dtype)
        return (F.cross_entropy(self.fine(h).flatten(0, 1), fine.flatten())
                + F.cross_entropy(self.universal(h).flatten(0, 1), universal.flatten())
                + F.cross_entropy(self.genre(pooled), genre))


class BiLstmTagger(Tagger):
    def __init__(self, s):
        super().__init__()
        self.embedding = nn.Embedding(s["vocabulary"], s["embedding"])
        self.lstm = nn.LSTM(s["embedding"], s["hidden"], num_layers=1, bidirectional=True, batch_first=True)
        self.heads(s, 2 * s["hidden"])

    def encode(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        return pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])[0]


def sinusoidal_table(length, dim):
    """PE(pos, 2i) = sin(pos / 10000^(2i/dim)), PE(pos, 2i+1) = cos(...), in float64 rounded to float32."""
    pe = torch.zeros(length, dim, dtype=torch.float64)
    for j in range(dim):
        angle = torch.arange(length, dtype=torch.float64) / math.pow(10000, (j - j % 2) / dim)
        pe[:, j] = torch.sin(angle) if j % 2 == 0 else torch.cos(angle)
    return pe.float()


class TransformerTagger(Tagger):
    def __init__(self, s):
        super().__init__()
        d = s["hidden"]
        self.embedding = nn.Embedding(s["vocabulary"], d)
        self.register_buffer("positions", sinusoidal_table(s["max_length"], d), persistent=False)
        layer = nn.TransformerEncoderLayer(d, s["heads"], s["feed_forward"], dropout=0.0, activation="relu",
                                           batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.heads(s, d)

    def encode(self, x, lengths):
        t = x.shape[1]
        padding = torch.arange(t)[None, :] >= lengths[:, None]
        return self.encoder(x + self.positions[:t], src_key_padding_mask=padding)


MODELS = {"w4-bilstm": ("W4 bilstm", BiLstmTagger), "w4-transformer": ("W4 transformer", TransformerTagger)}


class Step:
    def __init__(self, model, batches):
        self.model = model
        self.batches = batches
        self.opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        self.i = 0

    def step(self, phases=None):
        batch = self.batches[self.i % len(self.batches)]
        self.i += 1
        t0 = time.perf_counter()
        self.opt.zero_grad(set_to_none=True)
        loss = self.model.loss(*batch)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        self.opt.step()
        t3 = time.perf_counter()
        if phases is not None:
            phases.append((t1 - t0, t2 - t1, t3 - t2))
        return t3 - t0

    def measure(self, warmup, steps):
        for _ in range(warmup):
            self.step()
        phases = []
        ts = [self.step(phases) for _ in range(steps)]
        return statistics.median(ts), [statistics.median(p[k] for p in phases) for k in range(3)]


def main():
    args, info = protocol_args(("--workloads", {"default": "w4-bilstm,w4-transformer"}))
    rule = W4Batches(0)
    batches = [rule.next(BATCH, W4) for _ in range(POOL)]
    configs = {}
    for w in args.workloads.split(","):
        name, cls = MODELS[w.strip()]
        torch.manual_seed(0)
        configs[f"{name} b{BATCH} adam"] = Step(cls(W4), batches)
    results = {k: [] for k in configs}
    for _ in range(args.reps):
        for k, s in configs.items():
            results[k].append(s.measure(args.warmup, args.steps))
    out = {"info": info, "steps": {}}
    for k, v in results.items():
        ms = [m for m, _ in v]
        fwd, bwd, opt = (statistics.median(p[j] for _, p in v) * 1e3 for j in range(3))
        out["steps"][k] = {"batch": BATCH, "ms": {"median": statistics.median(ms) * 1e3, "min": min(ms) * 1e3,
                                                  "max": max(ms) * 1e3, "n": len(ms)},
                           "all_ms": [m * 1e3 for m in ms], "fwd_ms": fwd, "bwd_ms": bwd, "opt_ms": opt}
        print(f"{k:28s} {statistics.median(ms) * 1e3:9.3f} ms  (fwd {fwd:.3f} / bwd {bwd:.3f} / opt {opt:.3f})")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
