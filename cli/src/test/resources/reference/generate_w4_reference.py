#!/usr/bin/python3
"""PyTorch reference for Polyhead's W4 bench models (polyhead.cli.bench.W4Models, W4Batches): the models of
cli/bench/torch_w4.py, imported from there, so that the Java test checks the peer script's models and batches too.

NOT part of the build: w4_models.json is checked in and W4ModelsTest only reads it. Re-run only to regenerate it
(Debian's python3-torch 1.13), from the repository root:

    /usr/bin/python3 cli/src/test/resources/reference/generate_w4_reference.py

It writes next to itself w4_models.json with
  rule        the first batch of W4's pool (torch_w4.W4Batches(0).next(32, W4)): lengths, the token ids of the first
              sentence, and the sums of the token ids, fine tags and universal tags over the valid tokens and of the
              genres, so that the Java rule is checked against the Python one at full size;
  bilstm, transformer
              each model at a tiny size ("sizes"), its parameters (torch.manual_seed(0), PyTorch's initialization,
              float32, under PyTorch's names), a batch of 3 sentences drawn by the rule from seed 7 ("seed",
              "batch"), and the step loss (CE(fine) + CE(universal) + CE(genre)) and the gradient of every parameter,
              computed in float64 from the float32 parameters ("float64").
Determinism: fixed seeds, one thread.
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "bench"))
import torch_w4  # noqa: E402  (cli/bench/torch_w4.py: the peer's models and batches)

torch.set_num_threads(1)
TINY = {"bilstm": dict(vocabulary=20, max_length=6, embedding=5, hidden=4, heads=2, feed_forward=8, fine=7,
                       universal=3, genres=4),
        "transformer": dict(vocabulary=20, max_length=6, embedding=4, hidden=4, heads=2, feed_forward=8, fine=7,
                            universal=3, genres=4)}
CLASSES = {"bilstm": torch_w4.BiLstmTagger, "transformer": torch_w4.TransformerTagger}
SEED = 7


def tensor(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": [float(x) for x in t.reshape(-1).tolist()]}


def ints(t):
    return [int(x) for x in t.reshape(-1).tolist()]


def model_case(kind):
    sizes = TINY[kind]
    torch.manual_seed(0)
    model = CLASSES[kind](sizes)
    params = {k: tensor(v) for k, v in model.named_parameters()}
    tokens, lengths, fine, universal, genre = torch_w4.W4Batches(SEED).next(3, sizes)
    model.double()
    loss = model.loss(tokens, lengths, fine, universal, genre)
    loss.backward()
    grads = {k: tensor(v.grad) for k, v in model.named_parameters()}
    return {"sizes": sizes, "seed": SEED,
            "batch": {"tokens": ints(tokens), "lengths": ints(lengths), "fine": ints(fine),
                      "universal": ints(universal), "genre": ints(genre)},
            "params": params, "float64": {"loss": loss.item(), "grads": grads}}


def main():
    tokens, lengths, fine, universal, genre = torch_w4.W4Batches(0).next(torch_w4.BATCH, torch_w4.W4)
    valid = fine >= 0
    rule = {"lengths": ints(lengths), "first_tokens": ints(tokens[0, :lengths[0]]),
            "token_sum": int(tokens.sum()), "fine_sum": int(fine[valid].sum()),
            "universal_sum": int(universal[valid].sum()), "genre_sum": int(genre.sum())}
    out = {"generator": "generate_w4_reference.py", "torch": torch.__version__, "rule": rule,
           "bilstm": model_case("bilstm"), "transformer": model_case("transformer")}
    path = os.path.join(HERE, "w4_models.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
