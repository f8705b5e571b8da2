#!/usr/bin/env python3
"""Create the Fashion-MNIST subset shipped with the Polyhead samples.

Reads the full Fashion-MNIST IDX files installed by the Debian package
``dataset-fashion-mnist`` (default: /usr/share/datasets/fashion-mnist) and writes
gzip'd IDX files holding the FIRST 10,000 training and the FIRST 2,000 test
examples next to this script, under the standard file names.

Deterministic: gzip is written with mtime=0 and no file name, so re-running
produces byte-identical output.

Usage:
    python3 make_subset.py [SOURCE_DIR]

Python 3 standard library only.
"""
import gzip
import os
import struct
import sys

SRC_DEFAULT = "/usr/share/datasets/fashion-mnist"
OUT_DIR = os.path.dirname(os.path.abspath(__file__))
N_TRAIN = 10000
N_TEST = 2000

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
# Polyhead coarse grouping: tops, trousers, dresses, footwear, bags
GROUP_NAMES = ["tops", "trousers", "dresses", "footwear", "bags"]
GROUP_OF = [0, 1, 0, 2, 0, 3, 0, 3, 4, 3]

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049


def read_idx(path, expected_magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic != expected_magic:
        raise ValueError("%s: bad magic %d (expected %d)" % (path, magic, expected_magic))
    ndim = data[3]
    dims = list(struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim]))
    body = data[4 + 4 * ndim:]
    size = 1
    for d in dims:
        size *= d
    if len(body) != size:
        raise ValueError("%s: body has %d bytes, header says %d" % (path, len(body), size))
    return dims, body


def write_idx(path, magic, dims, body):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        # filename="" and mtime=0 make the gzip stream reproducible
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(header)
            gz.write(body)


def subset(src_dir, prefix, n):
    img_dims, img_body = read_idx(os.path.join(src_dir, prefix + "-images-idx3-ubyte.gz"), IMAGES_MAGIC)
    lab_dims, lab_body = read_idx(os.path.join(src_dir, prefix + "-labels-idx1-ubyte.gz"), LABELS_MAGIC)
    assert len(img_dims) == 3 and len(lab_dims) == 1 and img_dims[0] == lab_dims[0] >= n
    rows, cols = img_dims[1], img_dims[2]
    images = img_body[:n * rows * cols]
    labels = lab_body[:n]
    write_idx(os.path.join(OUT_DIR, prefix + "-images-idx3-ubyte.gz"), IMAGES_MAGIC, [n, rows, cols], images)
    write_idx(os.path.join(OUT_DIR, prefix + "-labels-idx1-ubyte.gz"), LABELS_MAGIC, [n], labels)
    return labels


def verify(prefix, n):
    dims, _ = read_idx(os.path.join(OUT_DIR, prefix + "-images-idx3-ubyte.gz"), IMAGES_MAGIC)
    assert dims == [n, 28, 28], dims
    dims, labels = read_idx(os.path.join(OUT_DIR, prefix + "-labels-idx1-ubyte.gz"), LABELS_MAGIC)
    assert dims == [n], dims
    assert all(0 <= b <= 9 for b in labels)
    return labels


def report(prefix, labels):
    counts = [0] * 10
    for b in labels:
        counts[b] += 1
    groups = [0] * 5
    for c, k in enumerate(counts):
        groups[GROUP_OF[c]] += k
    print("%s: %d examples" % (prefix, len(labels)))
    for c, k in enumerate(counts):
        print("  class %d %-12s %5d" % (c, CLASS_NAMES[c], k))
    for g, k in enumerate(groups):
        print("  group %d %-12s %5d" % (g, GROUP_NAMES[g], k))
    assert sum(counts) == len(labels)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else SRC_DEFAULT
    for prefix, n in (("train", N_TRAIN), ("t10k", N_TEST)):
        written = subset(src, prefix, n)
        labels = verify(prefix, n)
        assert labels == written
        report(prefix, labels)


if __name__ == "__main__":
    main()
