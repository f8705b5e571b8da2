#!/usr/bin/python3
"""Safetensors files written by Hugging Face's own `safetensors` library, for polyhead.io's reader tests.

NOT part of the build: the generated files are checked in and the Java tests only read them. Re-run only to
regenerate them (written against torch 1.13, Debian's python3-torch, and safetensors 0.8.0):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_safetensors_reference.py

The `safetensors` package is not a Debian package; where it is missing, install its wheel into a scratch folder and
put that on PYTHONPATH (nothing is installed system-wide), e.g.

    /usr/bin/python3 -m pip install --no-index --no-deps --target /tmp/stpy safetensors-0.8.0-*.whl
    PYTHONPATH=/tmp/stpy /usr/bin/python3 core-java/src/test/resources/reference/generate_safetensors_reference.py

It writes next to itself:

  safetensors_mixed.safetensors   safetensors.torch.save_file of tensors of every dtype Polyhead reads (F32, F64,
                                  F16, BF16, I64, I32, I16, I8, U8, BOOL), an empty [0, 4] tensor and a scalar,
                                  with __metadata__ {"format": "pt"}; the library orders the data by dtype
                                  alignment, then by name.
  safetensors_mixed.json          for each tensor: its dtype, shape and the float32 bit patterns of its values as
                                  PyTorch converts them (tensor.float(), exact for all but F64, which rounds to
                                  nearest), the independent reference for Polyhead's conversions; plus "metadata".
  safetensors_f32.safetensors     save_file of three F32 tensors with __metadata__ {"format": "pt"}: Polyhead's
                                  writer, given the same tensors in name order, must produce these bytes exactly.
  safetensors_f32.json            those tensors' shapes and float32 bit patterns.

F32 values include -0.0, +-inf, a quiet NaN with a payload (0x7fc00123), a negative NaN (0xffc00000), the smallest
subnormal and the largest finite float; F16 includes a subnormal, -0.0, inf and 65504.
"""
import json
import os

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def f32_from_bits(bits, shape):
    return torch.tensor(bits, dtype=torch.int32).view(torch.float32).reshape(shape)


def bits_of(t):
    """float32 bit patterns (as unsigned ints) of t converted to float32 the PyTorch way."""
    f = t.float().contiguous().reshape(-1)
    return [int(b) & 0xFFFFFFFF for b in f.view(torch.int32).tolist()]


def dtype_name(t):
    return {
        torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
        torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
        torch.bool: "BOOL",
    }[t.dtype]


def describe(tensors, metadata):
    out = {name: {"dtype": dtype_name(t), "shape": list(t.shape), "float32_bits": bits_of(t)}
           for name, t in tensors.items()}
    return {"metadata": metadata, "tensors": out}


def mixed():
    special = [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00123, 0xFFC00000, 0x00000001, 0x7F7FFFFF,
               0x3F800000, 0xC0490FDB]
    special = [b - (1 << 32) if b >= 1 << 31 else b for b in special]
    return {
        "trunk.0.weight": f32_from_bits(special, (2, 5)),
        "trunk.0.bias": torch.tensor([0.5, -1.25, 3.0e-3], dtype=torch.float32),
        "f64": torch.tensor([0.1, -2.5, 1.0e-40, 3.4e38, float("inf"), -0.0], dtype=torch.float64),
        "f16": torch.tensor([1.0, -0.0, 65504.0, 6.0e-8, float("inf"), 0.333], dtype=torch.float16),
        "bf16": torch.tensor([[1.0, -3.140625], [1.0e30, -0.0]], dtype=torch.bfloat16),
        "i64": torch.tensor([[-16777216, 16777216], [0, 7]], dtype=torch.int64),
        "i32": torch.tensor([-5, 123456, 16777215], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "mask": torch.tensor([True, False, True], dtype=torch.bool),
        "empty": torch.zeros((0, 4), dtype=torch.float32),
        "scalar": torch.tensor(2.75, dtype=torch.float32),
    }


def f32_only():
    g = torch.Generator().manual_seed(7)
    return {
        "b.weight": torch.randn((3, 2), generator=g),
        "a.bias": torch.randn((4,), generator=g),
        "a.weight": torch.randn((4, 3), generator=g),
    }


def main():
    metadata = {"format": "pt"}
    for stem, tensors in (("safetensors_mixed", mixed()), ("safetensors_f32", f32_only())):
        save_file(tensors, os.path.join(HERE, stem + ".safetensors"), metadata=metadata)
        with open(os.path.join(HERE, stem + ".json"), "w") as f:
            json.dump(describe(tensors, metadata), f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
