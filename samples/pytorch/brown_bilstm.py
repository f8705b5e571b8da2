#!/usr/bin/python3
"""The Brown sample's BiLSTM in PyTorch 1.13: the PyTorch side of issue 17's comparison, with the sample protocol's
data, model and training, so that Polyhead's results can be checked against it within seed noise.

usage (from the repository root; Debian's python3-torch 1.13):
    /usr/bin/python3 samples/pytorch/brown_bilstm.py [--seeds 0,1,2] [--configs fine,universal,genre,equal]
        [--epochs 5] [--threads 1] [--out samples/pytorch/brown_bilstm.json]

Data: the shipped corpus (samples/data/brown, one gzip file per document), read as polyhead.datasets.Brown reads it
(one sentence per non-blank line, tokens split at whitespace, each word/tag split at its last '/', the fine tag as
written, the universal tag = en-brown.map[fine tag upper-cased]), and split as Brown.split(corpus, 42) splits it: the
documents of each part, the label orders and the vocabulary rule come from samples/data/brown/split-seed42.json, which
Java writes (polyhead.samples.pytorch.BrownSplitFile; BrownSplitFileTest keeps it equal to Brown.load). The
vocabulary is built here from the training part (minimum count 2, ids by decreasing count then word, after <pad> 0
and <unk> 1) and must match the file's SHA-256 of its tokens, or the script stops. Train 396 documents (45,221
sentences), test 52 (5,999 sentences); validation is not used (no early stopping). No truncation.

Model (the protocol's): nn.Embedding(V, 100, padding_idx=0) -> 1-layer bidirectional nn.LSTM, hidden 128 each way,
over pack_padded_sequence (lengths) -> heads fine = Linear(256, 472) and universal = Linear(256, 12) at every token,
genre = Linear(256, 15) on the mean of each sentence's valid outputs. Single-task: the same network with only that
task's head. Losses: cross-entropy averaged over the batch's non-padding tokens (token tasks) or its sentences (genre);
multi-task equal = their sum.

Training: Adam lr 1e-3 (PyTorch defaults otherwise), batch 32, 5 epochs, no dropout, no early stopping. Each epoch a
permutation of the training sentences (torch.Generator seeded with the seed), cut into chunks of 50 batches (1,600
sentences), each chunk sorted by length (bucketing, to keep padding small) and cut into batches of 32, the batches then
shuffled by the same generator. The seed also seeds the initialization (torch.manual_seed). The data split stays seed
42 whatever the seed.

Reported after the last epoch, on the test part: token accuracy for fine and universal (over all non-padding test
tokens, unknown words included) and sentence accuracy for genre; per configuration mean and sample sd over the seeds,
and Delta_m of multi-task equal against the single-task models (Maninis et al. 2019; in percent, the mean over the
three tasks of (single - multi) / single: positive = multi-task worse, as polyhead.metrics.DeltaM). The JSON (--out)
is rewritten after every run, so an interrupted sweep keeps what it finished.
"""
import argparse, gzip, hashlib, json, os, platform, statistics, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(ROOT, "samples", "data", "brown")
TASKS = ("fine", "universal", "genre")
CONFIGS = {"fine": ("fine",), "universal": ("universal",), "genre": ("genre",), "equal": TASKS}
BATCH = 32
CHUNK = 50


def read_corpus():
    """{document: [(words, fine tags, universal tags), ...]} and {document: genre}, as Brown.read."""
    mapping = {}
    with open(os.path.join(DATA, "en-brown.map"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                tag, universal = line.rstrip("\n").split("\t")
                mapping[tag] = universal
    genre_of = {}
    with open(os.path.join(DATA, "cats.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                doc, genre = line.split()
                genre_of[doc] = genre
    docs = {}
    for doc in genre_of:
        sentences = []
        with gzip.open(os.path.join(DATA, doc + ".gz"), "rt", encoding="utf-8") as f:
            for line in f:
                toks = line.split()
                if not toks:
                    continue
                words, fine, universal = [], [], []
                for tok in toks:
                    slash = tok.rindex("/")
                    words.append(tok[:slash])
                    fine.append(tok[slash + 1:])
                    universal.append(mapping[tok[slash + 1:].upper()])
                sentences.append((words, fine, universal))
        docs[doc] = sentences
    return docs, genre_of


def vocabulary(train_sentences, spec):
    counts = {}
    for words, _, _ in train_sentences:
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    kept = sorted((w for w, c in counts.items() if c >= spec["min_count"]), key=lambda w: (-counts[w], w))
    tokens = ["<pad>", "<unk>"] + kept
    digest = hashlib.sha256("\n".join(tokens).encode("utf-8")).hexdigest()
    if len(tokens) != spec["size"] or digest != spec["sha256_of_tokens_joined_by_newline"]:
        sys.exit(f"vocabulary differs from split-seed42.json's ({len(tokens)} tokens, sha256 {digest}); "
                 "the corpus or the rule changed")
    return {w: i for i, w in enumerate(tokens)}


def encode(docs, genre_of, doc_ids, vocab, labels):
    ids = {t: {name: i for i, name in enumerate(labels[t])} for t in TASKS}
    out = []
    for d in doc_ids:
        g = ids["genre"][genre_of[d]]
        for words, fine, universal in docs[d]:
            out.append((torch.tensor([vocab.get(w, 1) for w in words]), torch.tensor([ids["fine"][t] for t in fine]),
                        torch.tensor([ids["universal"][t] for t in universal]), g))
    return out


def collate(sentences):
    lengths = torch.tensor([len(s[0]) for s in sentences])
    pad = lambda xs, v: nn.utils.rnn.pad_sequence(xs, batch_first=True, padding_value=v)
    return (pad([s[0] for s in sentences], 0), lengths, pad([s[1] for s in sentences], -100),
            pad([s[2] for s in sentences], -100), torch.tensor([s[3] for s in sentences]))


class BiLstmTagger(nn.Module):
    def __init__(self, vocab_size, tasks, label_counts):
        super().__init__()
        self.tasks = tasks
        self.embedding = nn.Embedding(vocab_size, 100, padding_idx=0)
        self.lstm = nn.LSTM(100, 128, num_layers=1, bidirectional=True, batch_first=True)
        self.heads = nn.ModuleDict({t: nn.Linear(256, label_counts[t]) for t in tasks})

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        h = pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=tokens.shape[1])[0]
        out = {}
        for t in self.tasks:
            if t == "genre":
                out[t] = self.heads[t](h.sum(1) / lengths[:, None].to(h.dtype))  # padded outputs are 0
            else:
                out[t] = self.heads[t](h)
        return out


def loss_of(out, fine, universal, genre):
    targets = {"fine": fine, "universal": universal}
    total = 0
    for t, logits in out.items():
        if t == "genre":
            total = total + F.cross_entropy(logits, genre)
        else:
            total = total + F.cross_entropy(logits.flatten(0, 1), targets[t].flatten())  # ignore_index -100
    return total


def train_and_test(config, seed, train, test, vocab_size, label_counts, epochs, log):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = BiLstmTagger(vocab_size, CONFIGS[config], label_counts)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    epoch_s = []
    for epoch in range(epochs):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(len(train), generator=gen).tolist()
        batches = []
        for c in range(0, len(perm), CHUNK * BATCH):
            chunk = sorted(perm[c:c + CHUNK * BATCH], key=lambda i: len(train[i][0]))
            batches += [chunk[b:b + BATCH] for b in range(0, len(chunk), BATCH)]
        order = torch.randperm(len(batches), generator=gen).tolist()
        total = 0.0
        for k in order:
            tokens, lengths, fine, universal, genre = collate([train[i] for i in batches[k]])
            opt.zero_grad(set_to_none=True)
            loss = loss_of(model(tokens, lengths), fine, universal, genre)
            loss.backward()
            opt.step()
            total += loss.item()
        epoch_s.append(time.perf_counter() - t0)
        log(f"  {config} seed {seed} epoch {epoch + 1}: mean loss {total / len(order):.4f}, {epoch_s[-1]:.1f} s")
    model.eval()
    correct = {t: 0 for t in TASKS}
    count = {"fine": 0, "universal": 0, "genre": 0}
    order = sorted(range(len(test)), key=lambda i: len(test[i][0]))
    with torch.no_grad():
        for b in range(0, len(order), 256):
            tokens, lengths, fine, universal, genre = collate([test[i] for i in order[b:b + 256]])
            out = model(tokens, lengths)
            for t, logits in out.items():
                target = {"fine": fine, "universal": universal, "genre": genre}[t]
                valid = target >= 0
                correct[t] += int((logits.argmax(-1)[valid] == target[valid]).sum())
                count[t] += int(valid.sum())
    return {t: correct[t] / count[t] for t in CONFIGS[config]}, epoch_s, count


def summarize(runs):
    summary = {}
    for config, by_seed in runs.items():
        summary[config] = {}
        for t in CONFIGS[config]:
            vals = [r["test"][t] for r in by_seed.values()]
            summary[config][t] = {"mean": statistics.mean(vals), "sd": statistics.stdev(vals) if len(vals) > 1 else None,
                                  "n": len(vals)}
    delta = None
    if "equal" in summary and all(t in summary for t in TASKS):
        delta = 100 * statistics.mean((summary[t][t]["mean"] - summary["equal"][t]["mean"]) / summary[t][t]["mean"]
                                      for t in TASKS)
    return summary, delta


def combine(files, out, log):
    """The runs of several outputs of this script (same epochs and torch) in one, with the summary recomputed."""
    result = None
    for path in files:
        with open(path) as f:
            part = json.load(f)
        if result is None:
            result = part
            continue
        if (part["epochs"], part["torch"]) != (result["epochs"], result["torch"]):
            sys.exit(f"{path}: other epochs or torch version than {files[0]}")
        for config, by_seed in part["runs"].items():
            result["runs"].setdefault(config, {}).update(by_seed)
    result["summary"], result["delta_m_percent"] = summarize(result["runs"])
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    log(f"wrote {out}: " + ", ".join(f"{c} seeds {sorted(r)}" for c, r in result["runs"].items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--configs", default="fine,universal,genre,equal")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "brown_bilstm.json"))
    ap.add_argument("--combine", nargs="*", default=[], metavar="FILE",
                    help="only merge the runs of these outputs (e.g. of configurations run in parallel) into --out")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    log = lambda s: print(s, flush=True)
    if args.combine:
        combine(args.combine, args.out, log)
        return

    with open(os.path.join(DATA, "split-seed42.json"), encoding="utf-8") as f:
        spec = json.load(f)
    docs, genre_of = read_corpus()
    train_docs, test_docs = spec["split"]["train"], spec["split"]["test"]
    vocab = vocabulary([s for d in train_docs for s in docs[d]], spec["vocabulary"])
    labels = spec["labels"]
    train = encode(docs, genre_of, train_docs, vocab, labels)
    test = encode(docs, genre_of, test_docs, vocab, labels)
    label_counts = {t: len(labels[t]) for t in TASKS}
    log(f"train {len(train_docs)} documents, {len(train)} sentences; test {len(test_docs)} documents, {len(test)} "
        f"sentences; vocabulary {len(vocab)}; labels {label_counts}")

    result = {"script": "samples/pytorch/brown_bilstm.py", "torch": torch.__version__,
              "python": platform.python_version(), "threads": args.threads, "epochs": args.epochs,
              "split_seed": spec["seed"], "vocabulary": len(vocab), "runs": {}}
    if os.path.exists(args.out):  # keep the runs of an earlier, interrupted sweep with the same settings
        with open(args.out) as f:
            old = json.load(f)
        if old.get("epochs") == args.epochs and old.get("torch") == torch.__version__:
            result["runs"] = old.get("runs", {})
    for seed in (int(s) for s in args.seeds.split(",")):
        for config in args.configs.split(","):
            if str(seed) in result["runs"].get(config, {}):
                log(f"{config} seed {seed}: already in {args.out}")
                continue
            t0 = time.perf_counter()
            acc, epoch_s, count = train_and_test(config, seed, train, test, len(vocab), label_counts, args.epochs, log)
            log(f"{config} seed {seed}: test {acc} ({time.perf_counter() - t0:.0f} s)")
            result["runs"].setdefault(config, {})[str(seed)] = {"test": acc, "epoch_s": epoch_s}
            counts = result.setdefault("test_counts", {})
            counts.update({t: n for t, n in count.items() if n})  # a single-task run counts only its own task
            result["summary"], result["delta_m_percent"] = summarize(result["runs"])
            with open(args.out, "w") as f:
                json.dump(result, f, indent=1)
                f.write("\n")
    summary, delta = summarize(result["runs"])
    for config, tasks in summary.items():
        log(config + ": " + ", ".join(f"{t} {v['mean']:.4f}" + (f" ± {v['sd']:.4f}" if v["sd"] is not None else "")
                                      + f" (n={v['n']})" for t, v in tasks.items()))
    if delta is not None:
        log(f"Delta_m (multi-task equal vs single-task, %, positive = worse): {delta:+.2f}")


if __name__ == "__main__":
    main()
