#!/usr/bin/python3
"""Reference values for polyhead.metrics (MetricReferenceTest), computed with NumPy only.

NOT part of the build: metrics.json is checked in and the Java test only reads it.
Re-run to regenerate:

    /usr/bin/python3 core-java/src/test/resources/reference/generate_metrics_reference.py

scikit-learn is not installed here, so its algorithms are re-implemented below the way
scikit-learn computes them, independently of the Java code:
  * precision/recall/F1: per-label tp/fp/fn from a multilabel confusion matrix built with
    bincount (as sklearn.metrics.multilabel_confusion_matrix), labels = union of the classes
    in targets and predictions (sklearn's unique_labels), zero_division=0, F1 as the
    harmonic mean 2PR/(P+R) (0 when P+R = 0); "micro" sums tp/fp/fn first.
  * ROC AUC: sklearn's _binary_clf_curve (sort scores descending, one ROC point per
    distinct threshold, cumulative tp/fp) and the trapezoidal rule, not a rank statistic.
  * R²: sklearn's r2_score on the flattened arrays (two passes in float64).
  * mean IoU: per-class intersection/union from the confusion matrix, nanmean over classes
    (mmsegmentation's IoUMetric).
  * top-k accuracy with Polyhead's tie rule: right iff fewer than k other classes have a
    logit >= the target's.

Inputs are multiples of 1/8 (logits, regression values) or 1/4 (AUC scores) in a small
range, so every value is exact in float32 and in decimal, and many are tied on purpose.
Masked samples carry placeholder targets (-100, 255, 0.5, 1e9) that are invalid for the
metric: the Java side must skip them; the reference computes on the kept samples only.
Every metric value is written with repr (shortest round-trip float64).

Layout: {"generator", "numpy_version", "description",
         "cases": {name: {"kind": "class_index" | "binary" | "auc" | "regression" | "pixel",
                          "inputs": {"pred": tensor, "target": tensor[, "mask": tensor]},
                          "expected": {metric name: value},
                          ["confusion_matrix": [[...]]]}}}
tensor = {"shape": [...], "data": [flat row-major values]}.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240611)


def tensor(a):
    a = np.asarray(a, dtype=np.float64)
    assert np.all(a.astype(np.float32).astype(np.float64) == a), "not float32-exact"
    return {"shape": list(a.shape), "data": [float(v) for v in a.ravel()]}


def eighths(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale * 8) / 8


def random_mask(n, missing):
    mask = np.ones(n)
    mask[rng.choice(n, size=missing, replace=False)] = 0
    return mask


# ---------------------------------------------------------------------------------------
# scikit-learn-style computations
# ---------------------------------------------------------------------------------------

def prf(y_true_ind, y_pred_ind):
    """precision/recall/F1, macro and micro, from indicator matrices [samples, labels]."""
    tp = (y_true_ind & y_pred_ind).sum(0).astype(np.float64)
    fp = (~y_true_ind & y_pred_ind).sum(0).astype(np.float64)
    fn = (y_true_ind & ~y_pred_ind).sum(0).astype(np.float64)

    def div(a, b):
        return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)

    def f1(p, r):
        return np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)

    out = {}
    p, r = div(tp, tp + fp), div(tp, tp + fn)
    out["precision_macro"], out["recall_macro"], out["f1_macro"] = p.mean(), r.mean(), f1(p, r).mean()
    P, R = div(tp.sum(), tp.sum() + fp.sum()), div(tp.sum(), tp.sum() + fn.sum())
    out["precision_micro"], out["recall_micro"], out["f1_micro"] = float(P), float(R), float(f1(P, R))
    return {k: float(v) for k, v in out.items()}


def multiclass_prf(y_true, y_pred):
    labels = np.union1d(y_true, y_pred)  # sklearn's unique_labels
    return prf(y_true[:, None] == labels[None, :], y_pred[:, None] == labels[None, :])


def roc_auc(y, s):
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    distinct = np.where(np.diff(s))[0]
    idx = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[idx]
    fps = 1 + idx - tps
    tpr = np.r_[0, tps] / tps[-1]
    fpr = np.r_[0, fps] / fps[-1]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def topk(logits, y, k):
    target = logits[np.arange(len(y)), y]
    ahead = (logits >= target[:, None]).sum(1) - 1  # other classes with a logit >= the target's
    return float(np.mean(ahead < k))


def confusion(y_true, y_pred, classes):
    return np.bincount(y_true * classes + y_pred, minlength=classes * classes).reshape(classes, classes)


# ---------------------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------------------

def class_index_case():
    n, c = 40, 5
    logits = np.round(rng.normal(size=(n, c)) * 2) / 2  # halves: many ties
    y = rng.integers(0, c, size=n)
    mask = random_mask(n, 6)
    target = np.where(mask == 1, y, -100).astype(np.float64)
    kept = mask == 1
    lk, yk = logits[kept], y[kept]
    pred = np.argmax(lk, axis=1)  # first maximum on ties
    expected = {"accuracy": float(np.mean(pred == yk))}
    for k in (1, 2, 3):
        expected["top%d_accuracy" % k] = topk(lk, yk, k)
    expected.update(multiclass_prf(yk, pred))
    return {"kind": "class_index", "inputs": {"pred": tensor(logits), "target": tensor(target), "mask": tensor(mask)},
            "expected": expected, "confusion_matrix": confusion(yk, pred, c).tolist()}


def binary_case():
    n, d = 40, 3
    logits = eighths(n, d, scale=2)
    logits[rng.random(size=(n, d)) < 0.1] = 0.0  # exactly 0 predicts negative
    y = (rng.random(size=(n, d)) < np.array([0.5, 0.3, 0.15])).astype(np.int64)
    mask = random_mask(n, 5)
    target = np.where(mask[:, None] == 1, y, 0.5)
    kept = mask == 1
    yk, pk = y[kept].astype(bool), logits[kept] > 0
    # every label occurs, so scikit-learn's multilabel macro (all labels) equals Polyhead's (present labels)
    assert yk.any(0).all()
    expected = {"accuracy": float(np.mean(yk == pk))}
    expected.update(prf(yk, pk))
    return {"kind": "binary", "inputs": {"pred": tensor(logits), "target": tensor(target), "mask": tensor(mask)},
            "expected": expected}


def auc_case(shape, masked):
    s = np.round(rng.normal(size=shape) * 4) / 4
    y = (rng.random(size=shape) < 0.4).astype(np.float64)
    inputs = {"pred": tensor(s)}
    if masked:
        mask = random_mask(shape[0], 7)
        keep = mask == 1
        inputs["mask"] = tensor(mask)
        target = np.where(mask.reshape((-1,) + (1,) * (len(shape) - 1)) == 1, y, 0.5)
        s, y = s[keep], y[keep]
    else:
        target = y
    inputs["target"] = tensor(target)
    return {"kind": "auc", "inputs": inputs, "expected": {"auc": roc_auc(y.ravel(), s.ravel())}}


def regression_case():
    n, d = 30, 2
    y = eighths(n, d, scale=3) + 5
    p = y + eighths(n, d)
    mask = random_mask(n, 4)
    target = np.where(mask[:, None] == 1, y, 1e9)  # 1e9 is float32-exact, and would dominate every sum
    yk, pk = y[mask == 1].ravel(), p[mask == 1].ravel()
    ss_res = np.sum((yk - pk) ** 2)
    ss_tot = np.sum((yk - yk.mean()) ** 2)
    expected = {"mse": float(np.mean((pk - yk) ** 2)), "mae": float(np.mean(np.abs(pk - yk))),
                "r2": float(1 - ss_res / ss_tot)}
    return {"kind": "regression", "inputs": {"pred": tensor(p), "target": tensor(target), "mask": tensor(mask)},
            "expected": expected}


def pixel_case():
    n, c, h, w = 4, 5, 5, 6
    logits = np.round(rng.normal(size=(n, c, h, w)) * 2) / 2
    logits[:, 4] = -10.0  # class 4 is never predicted ...
    y = rng.integers(0, 4, size=(n, h, w))  # ... nor a target: absent, left out of the mean
    y[y == 3] = rng.integers(0, 3, size=int(np.sum(y == 3)))  # class 3 is rare as a target
    mask = np.array([1.0, 0.0, 1.0, 1.0])
    target = np.where(mask[:, None, None] == 1, y, 255).astype(np.float64)
    kept = mask == 1
    pred = np.argmax(logits[kept], axis=1).ravel()
    yk = y[kept].ravel()
    cm = confusion(yk, pred, c)
    inter = np.diag(cm).astype(np.float64)
    union = cm.sum(0) + cm.sum(1) - np.diag(cm)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = inter / union
    assert np.isnan(iou[4]) and not np.isnan(iou[3])
    expected = {"pixel_accuracy": float(np.mean(pred == yk)), "mean_iou": float(np.nanmean(iou))}
    return {"kind": "pixel", "inputs": {"pred": tensor(logits), "target": tensor(target), "mask": tensor(mask)},
            "expected": expected, "confusion_matrix": cm.tolist()}


def main():
    cases = {
        "class_index_40x5_masked": class_index_case(),
        "binary_40x3_masked": binary_case(),
        "auc_60": auc_case((60,), False),
        "auc_25x2_masked": auc_case((25, 2), True),
        "regression_30x2_masked": regression_case(),
        "pixel_4x5x5x6_masked": pixel_case(),
    }
    doc = {"generator": "generate_metrics_reference.py", "numpy_version": np.__version__,
           "description": "scikit-learn-style metric values computed with NumPy for polyhead.metrics",
           "cases": cases}
    with open(os.path.join(HERE, "metrics.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
