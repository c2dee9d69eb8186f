#!/usr/bin/env python3
"""Reference values for the masked-subnetwork optimizer and the training metrics.

1. Keep ratios (METHOD.md section 2): an independent float64 numpy implementation of the rule,
   written from the method description -> Tests/RebalanceTests/Fixtures/keep_ratios.json.
   The Swift tests compare s_m, H_m, H_Y, t_m and rho_m at 1e-9 absolute or 1e-5 relative.
2. Evaluation metrics (METHOD.md section 7): scikit-learn's f1_score (macro),
   average_precision_score per class and roc_auc_score (macro over one-hot columns) on softmax
   scores, as the reference evaluation calls them -> Tests/TrainingTests/Fixtures/metrics.json.

    python3 tools/ref/rebalance_fixtures.py

Requires: numpy (tested with 2.4.6), scikit-learn (tested with 1.9.1). Inputs are float32
values written exactly.
"""
import json
import math
import platform

import numpy as np

OFFSET = 0.5
LOW, HIGH, NEUTRAL = 0.1, 0.9, 0.5


def log_softmax_rows(x):
    """Row-wise log-softmax in float64."""
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=1, keepdims=True)
    return x - (m + np.log(np.sum(np.exp(x - m), axis=1, keepdims=True)))


def significance(logits, labels):
    """s_m: minus the mean cross-entropy of the uni-modal logits (nats)."""
    logp = log_softmax_rows(logits)
    return float(np.mean(logp[np.arange(len(labels)), labels]))


def feature_entropy(features):
    """H_m: batch mean of the entropy of softmax over the feature dimensions (nats)."""
    logp = log_softmax_rows(features)
    return float(np.mean(-np.sum(np.exp(logp) * logp, axis=1)))


def label_entropy(labels, classes, compat):
    """H_Y: label-histogram entropy, or the reference's CrossEntropy(p, p) under compat."""
    labels = np.asarray(labels)
    if compat:
        # torch.bincount: as long as the largest label present plus one.
        p = np.bincount(labels).astype(np.float64) / len(labels)
        return float(np.log(np.sum(np.exp(p))) - np.sum(p * p))
    p = np.bincount(labels, minlength=classes).astype(np.float64) / len(labels)
    nz = p[p > 0]
    return float(-np.sum(nz * np.log(nz)))


def ratios_from_stats(s, h, hy, temperature, bias, compat):
    """t_m and rho_m from s_m, H_m, H_Y (returns t, rho, fallback)."""
    s = np.asarray(s, dtype=np.float64)
    h = np.asarray(h, dtype=np.float64)
    num = s + hy + OFFSET
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = num / h / temperature
    if np.any(num <= 0):
        return t, np.full(len(s), NEUTRAL), True
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if compat:
            e = np.exp(t.astype(np.float32))
            share = (e / np.sum(e, dtype=np.float32)).astype(np.float64)
        else:
            z = np.exp(t - np.max(t))
            share = z / np.sum(z)
    rho = 1.0 - share + bias
    rho = np.where(np.isnan(rho), NEUTRAL, np.clip(rho, LOW, HIGH))
    return t, rho, False


def finite_or_none(values):
    return [float(v) if math.isfinite(v) else None for v in values]


def batch_case(name, rng, modalities, batch, classes, features, temperature=0.2, bias=0.0,
               compat=False, labels=None, logit_scale=1.0, feature_scale=1.0,
               wrong_confident=False, signal=(1.5, 0.5, 1.0)):
    """A case from random float32 logits, features and labels."""
    if labels is None:
        labels = rng.integers(0, classes, size=batch)
    labels = np.asarray(labels)
    logits, feats = [], []
    for m in range(modalities):
        z = rng.standard_normal((batch, classes)) * logit_scale
        z[np.arange(batch), labels] += signal[m]
        z = z.astype(np.float32)
        if wrong_confident:
            z[np.arange(batch), labels] -= np.float32(20.0)
        f = (rng.standard_normal((batch, features[m])) * feature_scale[m]
             if isinstance(feature_scale, list) else
             rng.standard_normal((batch, features[m])) * feature_scale).astype(np.float32)
        logits.append(z)
        feats.append(f)
    s = [significance(z, labels) for z in logits]
    h = [feature_entropy(f) for f in feats]
    hy = label_entropy(labels, classes, compat)
    t, rho, fallback = ratios_from_stats(s, h, hy, temperature, bias, compat)
    return {
        "name": name, "classes": classes, "labels": labels.tolist(),
        "logits": [z.ravel().tolist() for z in logits],
        "features": [f.ravel().tolist() for f in feats],
        "feature_counts": list(features),
        "temperature": temperature, "bias": bias, "compat": compat,
        "significance": s, "feature_entropy": h, "label_entropy": hy,
        "t": finite_or_none(t), "ratios": rho.tolist(), "fallback": fallback,
    }


def stats_case(name, s, h, hy, temperature=0.2, bias=0.0, compat=False):
    """A case from given statistics (degenerate values that batches rarely produce)."""
    t, rho, fallback = ratios_from_stats(s, h, hy, temperature, bias, compat)
    return {
        "name": name, "significance": s, "feature_entropy": h, "label_entropy": hy,
        "temperature": temperature, "bias": bias, "compat": compat,
        "t": finite_or_none(t), "ratios": rho.tolist(), "fallback": fallback,
    }


def metrics_case(name, rng, samples, classes, duplicates=0, signal=1.0):
    """Random float32 logits (some rows repeated to create tied scores) and labels."""
    from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
    labels = np.arange(samples) % classes
    rng.shuffle(labels)
    logits = rng.standard_normal((samples, classes))
    logits[np.arange(samples), labels] += signal
    logits = logits.astype(np.float32)
    for i in range(duplicates):
        logits[samples - 1 - i] = logits[i]
    z = logits.astype(np.float64)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.eye(classes)[labels]
    predictions = np.argmax(logits, axis=1)
    ap = [average_precision_score(onehot[:, k], p[:, k]) for k in range(classes)]
    return {
        "name": name, "classes": classes, "labels": labels.tolist(),
        "logits": logits.ravel().tolist(), "predictions": predictions.tolist(),
        "macro_f1": 100 * f1_score(labels, predictions, average="macro"),
        "average_precision": ap, "mean_average_precision": 100 * float(np.mean(ap)),
        "auc": 100 * roc_auc_score(onehot, p, average="macro"),
        "per_class_auc": [roc_auc_score(onehot[:, k], p[:, k]) for k in range(classes)],
    }


def write_metrics(out):
    import sklearn
    rng = np.random.default_rng(7)
    cases = [
        metrics_case("six_classes", rng, 60, 6),
        metrics_case("ties", rng, 40, 4, duplicates=12),
        metrics_case("weak_signal", rng, 50, 5, signal=0.2),
        metrics_case("binary", rng, 30, 2, duplicates=4),
    ]
    doc = {"generator": "tools/ref/rebalance_fixtures.py", "numpy": np.__version__,
           "sklearn": sklearn.__version__, "python": platform.python_version(),
           "cases": cases}
    with open(out, "w") as handle:
        json.dump(doc, handle, separators=(",", ":"))
        handle.write("\n")


def main():
    write_metrics("Tests/TrainingTests/Fixtures/metrics.json")
    out = "Tests/RebalanceTests/Fixtures/keep_ratios.json"
    rng = np.random.default_rng(20240601)
    skewed = [0, 0, 0, 0, 0, 1, 1, 2, 0, 1, 0, 0]
    batches = [
        batch_case("av_random", rng, 2, 8, 6, [16, 16]),
        batch_case("av_random_compat", rng, 2, 8, 6, [16, 16], compat=True),
        batch_case("av_sharp_audio", rng, 2, 10, 6, [16, 12], logit_scale=3.0,
                   signal=(9.0, 0.0)),
        batch_case("av_skewed_labels", rng, 2, 12, 6, [16, 16], labels=skewed),
        batch_case("av_skewed_labels_compat", rng, 2, 12, 6, [16, 16], labels=skewed,
                   compat=True),
        batch_case("three_modalities", rng, 3, 8, 5, [8, 12, 16]),
        batch_case("three_modalities_bias", rng, 3, 8, 5, [8, 12, 16], bias=0.05,
                   compat=True),
        batch_case("image_text_temperature", rng, 2, 8, 4, [16, 16], temperature=0.5,
                   bias=-0.02),
        batch_case("fallback_confidently_wrong", rng, 2, 8, 6, [16, 16],
                   wrong_confident=True),
        batch_case("overflow_peaked_features", rng, 2, 8, 6, [16, 16],
                   feature_scale=[150.0, 1.0]),
        batch_case("overflow_peaked_features_compat", rng, 2, 8, 6, [16, 16],
                   feature_scale=[400.0, 1.0], compat=True),
        batch_case("single_sample", rng, 2, 1, 6, [16, 16]),
    ]
    stats = [
        stats_case("equal", [-1.0, -1.0], [2.0, 2.0], 1.5),
        stats_case("numerator_zero", [-2.0, 0.3], [2.0, 2.0], 1.5),
        stats_case("numerator_negative_m3", [0.1, -3.0, 0.2], [2.0, 2.0, 2.0], 1.0),
        stats_case("t_near_88", [17.0, 16.0], [1.0, 1.0], 0.0),
        stats_case("t_above_89_stable", [30.0, 10.0], [1.0, 1.5], 0.0),
        stats_case("t_above_89_compat", [30.0, 10.0], [1.0, 1.5], 0.0, compat=True),
        stats_case("zero_entropy", [0.1, 0.2], [0.0, 1.0], 1.0),
        stats_case("zero_entropy_compat", [0.1, 0.2], [0.0, 1.0], 1.0, compat=True),
        stats_case("bias_clamps_high", [-0.2, -1.4], [2.5, 2.4], 1.7, bias=0.5),
        stats_case("m3_compat", [-0.4, -1.0, -1.6], [2.7, 2.1, 3.3], 1.6, compat=True),
    ]
    doc = {
        "generator": "tools/ref/rebalance_fixtures.py",
        "numpy": np.__version__, "python": platform.python_version(),
        "offset": OFFSET, "batches": batches, "stats": stats,
    }
    with open(out, "w") as handle:
        json.dump(doc, handle, indent=None, separators=(",", ":"))
        handle.write("\n")


if __name__ == "__main__":
    main()
