"""Reference values for the evaluation metrics when a split lacks some classes.

Writes Tests/TrainingTests/Fixtures/metrics_absent.json: for each case the labels, float32
logits, and scikit-learn's values over the classes present among the labels:
  macro_f1 = 100 * f1_score(labels, predictions, labels=present, average="macro")
  mean_average_precision = 100 * mean over present k of average_precision_score(labels == k, p_k)
  auc = 100 * mean over present k of roc_auc_score(labels == k, p_k)
  confusion = confusion_matrix(labels, predictions, labels=range(K))
where p = softmax(logits) in float64 and predictions = argmax (first on ties).

Pinned: scikit-learn==1.9.1, numpy==2.4.6 (Python 3.11).
Usage: python3 tools/ref/metrics_fixtures.py
"""

import json
import os
import platform

import numpy as np
import sklearn
from sklearn.metrics import (average_precision_score, confusion_matrix, f1_score,
                             roc_auc_score)

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TrainingTests", "Fixtures",
                   "metrics_absent.json")


def softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def case(name, rng, samples, classes, absent, predicted_absent):
    present = [k for k in range(classes) if k not in absent]
    labels = rng.choice(present, size=samples)
    logits = rng.normal(size=(samples, classes)).astype(np.float32)
    logits[np.arange(samples), labels] += np.float32(1.0)
    for k in predicted_absent:
        # Let a few clips be predicted as a class that never occurs.
        rows = rng.choice(samples, size=3, replace=False)
        logits[rows, k] += np.float32(5.0)
    probabilities = softmax(logits.astype(np.float64))
    predictions = logits.argmax(axis=1)
    ap = [average_precision_score(labels == k, probabilities[:, k]) for k in present]
    auc = [roc_auc_score(labels == k, probabilities[:, k]) for k in present]
    return {
        "name": name, "classes": classes, "labels": labels.tolist(),
        "logits": [float(v) for v in logits.reshape(-1)],
        "predictions": predictions.tolist(), "absent": sorted(absent),
        "macro_f1": 100 * f1_score(labels, predictions, labels=present, average="macro",
                                   zero_division=0),
        "mean_average_precision": 100 * float(np.mean(ap)),
        "auc": 100 * float(np.mean(auc)),
        "confusion": confusion_matrix(labels, predictions,
                                      labels=list(range(classes))).tolist(),
    }


def main():
    rng = np.random.default_rng(20261204)
    cases = [
        case("one_absent_never_predicted", rng, 40, 5, {3}, []),
        case("one_absent_predicted", rng, 40, 5, {1}, [1]),
        case("two_absent", rng, 30, 6, {0, 5}, [5]),
        case("all_present", rng, 36, 4, set(), []),
    ]
    with open(OUT, "w") as handle:
        json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__,
                   "python": platform.python_version(), "cases": cases}, handle, indent=0)
        handle.write("\n")


if __name__ == "__main__":
    main()
