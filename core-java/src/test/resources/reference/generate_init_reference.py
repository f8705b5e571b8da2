#!/usr/bin/python3
"""A PyTorch model's weights as a safetensors file, and its outputs, for polyhead.experiment's initial-weights tests.

NOT part of the build: the generated files are checked in and the Java tests only read them. Re-run only to
regenerate them (torch 1.13, Debian's python3-torch; the `safetensors` package is not needed: the file is written
here in the format's layout, an 8-byte little-endian header length, the JSON header, then the raw F32 data):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_init_reference.py

The model is a small two-task network in PyTorch's own naming: `encoder` (nn.Sequential of Linear(5, 8), ReLU,
Linear(8, 6), ReLU), `head_a` = Linear(6, 3) and `head_b` = Linear(6, 2), seeded. Polyhead's equivalent (trunk
dense(8), relu, dense(6), relu; heads dense(3) and dense(2)) names them `trunk.*`, `heads.a.*`, `heads.b.*`;
pytorch_init_map.json is that renaming as prefix rules.

It writes next to itself:

  pytorch_init.safetensors   the state dict (F32), with __metadata__ {"format": "pt"}
  pytorch_init.json          "input" [4, 5] and the outputs "a" [4, 3] and "b" [4, 2] of the model on it, computed
                             in float64 from the float32 weights (the reference Polyhead's float32 must meet to 1e-6)
  pytorch_init_map.json      {"encoder.*": "trunk.*", "head_a.*": "heads.a.*", "head_b.*": "heads.b.*"}
"""
import json
import os
import struct

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class TwoTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 6), nn.ReLU())
        self.head_a = nn.Linear(6, 3)
        self.head_b = nn.Linear(6, 2)

    def forward(self, x):
        h = self.encoder(x)
        return self.head_a(h), self.head_b(h)


def save_safetensors(tensors, path, metadata):
    header = {"__metadata__": metadata}
    data = b""
    for name, t in tensors.items():
        raw = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format pads the header to a multiple of 8 with spaces
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


def main():
    torch.manual_seed(16)
    model = TwoTask()
    save_safetensors(model.state_dict(), os.path.join(HERE, "pytorch_init.safetensors"), {"format": "pt"})
    x = torch.randn(4, 5)
    with torch.no_grad():
        a, b = model.double()(x.double())
    with open(os.path.join(HERE, "pytorch_init.json"), "w") as f:
        json.dump({"input": x.tolist(), "a": a.tolist(), "b": b.tolist()}, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "pytorch_init_map.json"), "w") as f:
        json.dump({"encoder.*": "trunk.*", "head_a.*": "heads.a.*", "head_b.*": "heads.b.*"}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
