#!/usr/bin/env python3
"""Reference values for unit importance, keep counts, AMSS+ weights and exact designs.

An independent float64 numpy implementation of METHOD.md sections 1.5, 3, 4 and 5, written from
the method description -> Tests/RebalanceTests/Fixtures/masking.json. The Swift tests compare
  - importance scores per unit (gn, gn_wn, sqrt_gn) at 1e-12 relative,
  - keep counts k (ceil(N*rho - 1e-9) and the reference's int(N*rho), clamped to [1, N]) exactly,
  - AMSS+ weights 1/(q_j + 1/N) and whole masked gradients under the deterministic top-k sampler
    at 1e-5 relative,
  - inclusion probabilities pi_j = min(1, c*q_j), sum pi = k, of the exact designs at 1e-12.
Units: output filters of a convolution (leading axis), column slices of an attention output
projection (trailing axis), single elements of a fusion row (column block).

    python3 tools/ref/masking_fixtures.py

Requires: numpy (tested with 2.4.6). Inputs are float32 values written exactly.
"""
import json
import math
import platform

import numpy as np

IMPORTANCES = ("gn", "gn_wn", "sqrt_gn")


def finite_or_none(values):
    return [float(v) if math.isfinite(v) else None for v in values]


def unit_sums(grad, weight, layout):
    """Per-unit sums of squared gradient and weight values, float64.

    layout: ("leading", N) -> unit u = rows u*size..(u+1)*size of the flattened tensor;
            ("trailing", N) -> unit u = columns u*w..(u+1)*w of every row of a 2-D weight;
            ("row", r, start, count) -> unit u = element (r, start + u).
    """
    g = np.asarray(grad, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    if layout[0] == "leading":
        n = layout[1]
        g2 = (g.reshape(n, -1) ** 2).sum(axis=1)
        w2 = (w.reshape(n, -1) ** 2).sum(axis=1)
    elif layout[0] == "trailing":
        n = layout[1]
        rows, cols = g.shape
        g2 = (g.reshape(rows, n, cols // n) ** 2).sum(axis=(0, 2))
        w2 = (w.reshape(rows, n, cols // n) ** 2).sum(axis=(0, 2))
    else:
        _, r, start, count = layout
        g2 = g[r, start:start + count] ** 2
        w2 = w[r, start:start + count] ** 2
    return g2, w2


def scores_of(g2, w2, importance):
    with np.errstate(divide="ignore", invalid="ignore"):
        if importance == "gn":
            return g2
        if importance == "gn_wn":
            return g2 / w2
        return np.sqrt(g2)


def informative(scores):
    return np.isfinite(scores) & (scores > 0)


def keep_count(n, rho, truncating):
    if n <= 0:
        return 0
    rho = 0.5 if math.isnan(rho) else min(max(rho, 0.0), 1.0)
    product = float(n) * rho
    k = int(product) if truncating else int(math.ceil(product - 1e-9))
    return min(max(k, 1), n)


def amss_plus_weights(scores):
    """1/(q_j + 1/N) for every unit; q_j = 0 for units without a finite positive score."""
    info = informative(scores)
    total = scores[info].sum()
    q = np.where(info, scores / total if total > 0 else 0.0, 0.0)
    return 1.0 / (q + 1.0 / len(scores))


def top_k(scores, k):
    """The k largest informative scores, ties to the lower index (needs >= k informative)."""
    idx = [i for i in range(len(scores)) if informative(scores[i:i + 1])[0]]
    assert len(idx) >= k
    idx.sort(key=lambda i: (-scores[i], i))
    return sorted(idx[:k])


def inclusion_probabilities(scores, k):
    """pi_j = min(1, c*q_j) with sum pi = min(k, informative units), by iterated capping."""
    n = len(scores)
    k = min(max(k, 1), n)
    info = informative(scores)
    pi = np.zeros(n)
    if info.sum() <= k:
        pi[info] = 1.0
        return pi
    sure = np.zeros(n, dtype=bool)
    while True:
        open_ = info & ~sure
        c = (k - sure.sum()) / scores[open_].sum()
        newly = open_ & (c * scores >= 1)
        if not newly.any():
            pi[open_] = c * scores[open_]
            break
        sure |= newly
    pi[sure] = 1.0
    return pi


def tensor_case(name, rng, shape, layout, keep_ratio, grad=None, weight=None):
    """Scores of every importance, keep count, AMSS+ weights, top-k masked gradients."""
    if grad is None:
        grad = rng.standard_normal(shape)
    if weight is None:
        weight = rng.standard_normal(shape) * 0.2
    grad = np.asarray(grad, dtype=np.float32)
    weight = np.asarray(weight, dtype=np.float32)
    n = layout[1] if layout[0] != "row" else layout[3]
    g2, w2 = unit_sums(grad, weight, layout)
    case = {"name": name, "shape": list(shape), "layout": list(layout),
            "keep_ratio": keep_ratio, "grad": grad.ravel().tolist(),
            "weight": weight.ravel().tolist(), "unit_count": n,
            "keep_count": keep_count(n, keep_ratio, False),
            "keep_count_truncated": keep_count(n, keep_ratio, True), "importances": {}}
    for importance in IMPORTANCES:
        s = scores_of(g2, w2, importance)
        entry = {"scores": finite_or_none(s), "weights": amss_plus_weights(s).tolist()}
        k = case["keep_count"]
        if informative(s).sum() >= k and layout[0] != "row":
            kept = top_k(s, k)
            factor = np.zeros(n)
            factor[kept] = amss_plus_weights(s)[kept]
            entry["topk_kept"] = kept
            entry["topk_amss_plus_grad"] = masked(grad, layout, factor).ravel().tolist()
        case["importances"][importance] = entry
    return case


def masked(grad, layout, factor):
    """The gradient with unit u's values multiplied by factor[u], float64."""
    g = np.asarray(grad, dtype=np.float64).copy()
    n = len(factor)
    if layout[0] == "leading":
        return (g.reshape(n, -1) * factor[:, None]).reshape(g.shape)
    rows, cols = g.shape
    return (g.reshape(rows, n, cols // n) * factor[None, :, None]).reshape(g.shape)


def main():
    rng = np.random.default_rng(20240615)
    conv = (8, 3, 3, 3)
    sparse = np.zeros(conv)
    sparse[[1, 4, 6]] = rng.standard_normal((3,) + conv[1:])
    zero_weight = rng.standard_normal(conv) * 0.2
    zero_weight[2] = 0
    tiny = rng.standard_normal(conv) * 1e-23
    huge = rng.standard_normal(conv) * 1e22
    tensors = [
        tensor_case("conv_random", rng, conv, ("leading", 8), 0.5),
        tensor_case("conv_random_low_ratio", rng, conv, ("leading", 8), 0.1),
        tensor_case("conv_sparse", rng, conv, ("leading", 8), 0.3, grad=sparse),
        tensor_case("conv_zero_weight_filter", rng, conv, ("leading", 8), 0.7,
                    weight=zero_weight),
        tensor_case("conv_tiny_gradient", rng, conv, ("leading", 8), 0.5, grad=tiny),
        tensor_case("conv_huge_gradient", rng, conv, ("leading", 8), 0.5, grad=huge),
        tensor_case("attention_qkv_heads", rng, (4 * 3, 10), ("leading", 4), 0.5),
        tensor_case("attention_output_heads", rng, (10, 4 * 3), ("trailing", 4), 0.5),
        tensor_case("attention_output_heads_skewed", rng, (6, 8 * 2), ("trailing", 8), 0.3,
                    grad=rng.standard_normal((6, 16)) * np.repeat(np.arange(1, 9), 2)),
        tensor_case("fusion_row", rng, (3, 24), ("row", 1, 8, 16), 0.3),
    ]

    counts = []
    for n in (1, 2, 3, 7, 10, 30, 64, 100, 128, 153, 512, 1000):
        for rho in (0.0, 0.1, 0.15, 0.2, 0.3, 1.0 / 3.0, 0.35, 0.5, 0.7, 0.9, 1.0, 1e-12,
                    0.1 + 1e-12, 0.3 - 1e-12, float("nan"), 1.5, -0.2):
            counts.append({"n": n, "rho": None if math.isnan(rho) else rho,
                           "ceil": keep_count(n, rho, False),
                           "int": keep_count(n, rho, True)})

    designs = []
    for name, scores, k in [
        ("random", rng.gamma(2.0, 1.0, 12), 5),
        ("one_sure", np.array([1.0, 2.0, 3.0, 30.0, 1.5, 0.5]), 3),
        ("cascade", np.array([100.0, 50.0, 1.0, 1.0, 1.0, 1.0, 1.0]), 4),
        ("with_zeros", np.array([0.0, 2.0, 0.0, 1.0, 4.0, 0.0, 3.0]), 2),
        ("few_informative", np.array([0.0, 5.0, 0.0, 1.0]), 3),
        ("skewed", rng.gamma(0.3, 1.0, 16) ** 3, 6),
    ]:
        designs.append({"name": name, "scores": scores.tolist(), "k": k,
                        "pi": inclusion_probabilities(scores, k).tolist()})

    doc = {"generator": "tools/ref/masking_fixtures.py", "numpy": np.__version__,
           "python": platform.python_version(), "tensors": tensors, "keep_counts": counts,
           "designs": designs}
    with open("Tests/RebalanceTests/Fixtures/masking.json", "w") as handle:
        json.dump(doc, handle, separators=(",", ":"), allow_nan=False)
        handle.write("\n")


if __name__ == "__main__":
    main()
