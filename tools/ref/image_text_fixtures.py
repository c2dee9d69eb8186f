#!/usr/bin/env python3
"""Reference values for the reference implementation's image-text variant (--compat reference).

An independent float64 numpy implementation, written from METHOD.md sections 2 and 5 and a
reading of the reference's image-text training code (njustkmg/TPAMI-AMSS,
AMSS_IT/train_test_IT.py) -> Tests/RebalanceTests/Fixtures/image_text.json. The Swift tests
compare at 1e-5 relative (1e-9 absolute near zero):
  - keep ratios: H_Y = -sum p log2(p + 1e-8) in bits over the label histogram,
    t_m = (s_m + H_Y) / T, rho_m = clamp(softmax(t)_m, float32(0.1), float32(0.9)) with the
    softmax in float32 (naive exp), NaN -> 0.5; every ratio 0.5 when
    s_image + H_Y + 0.5 < 0 or s_text + H_Y + 0.5 <= 0;
  - unit scores (an attention head sums its elements' own gn / gn_wn / sqrt_gn; a filter's
    score is that of its sums), AMSS+ weights 1/(q_j + 1/N + b) with q over the draw's units,
    and for a fusion column block q over the whole block (every class row) with N = class rows;
  - the masked gradients of a whole AMSS+ step under the deterministic top-k sampler, with
    k = ceil(N * rho) per draw (fusion rows included, masks applied).
Keep counts of float32-clamped ratios are compared exactly.

    python3 tools/ref/image_text_fixtures.py

Requires: numpy (tested with 2.4.6). Inputs are float32 values written exactly.
"""
import json
import math
import platform

import numpy as np

CHECK_OFFSET = 0.5
LOW32, HIGH32 = float(np.float32(0.1)), float(np.float32(0.9))
NEUTRAL = 0.5
IMPORTANCES = ("gn", "gn_wn", "sqrt_gn")


def finite_or_none(values):
    return [float(v) if math.isfinite(v) else None for v in values]


# ---- keep ratios -------------------------------------------------------------------------


def significance(logits, labels):
    """s_m: minus the mean natural-log cross-entropy of the uni-modal logits."""
    x = np.asarray(logits, dtype=np.float64)
    m = x.max(axis=1, keepdims=True)
    logp = x - (m + np.log(np.exp(x - m).sum(axis=1, keepdims=True)))
    return float(logp[np.arange(len(labels)), labels].mean())


def label_entropy_bits(labels):
    """H_Y in bits with the reference's 1e-8 inside the logarithm (empty bins add 0)."""
    p = np.bincount(np.asarray(labels)).astype(np.float64) / len(labels)
    return float(-np.sum(p * np.log2(p + 1e-8)))


def ratios_from_stats(s, hy, temperature, image, text):
    """t_m, rho_m and whether the fallback fired, for two modalities."""
    s = np.asarray(s, dtype=np.float64)
    t = (s + hy) / temperature
    if s[image] + hy + CHECK_OFFSET < 0 or s[text] + hy + CHECK_OFFSET <= 0:
        return t, np.full(2, NEUTRAL), True
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(t.astype(np.float32))
        share = (e / np.sum(e, dtype=np.float32)).astype(np.float64)
    rho = np.where(np.isnan(share), NEUTRAL, np.clip(share, LOW32, HIGH32))
    return t, rho, False


def batch_case(name, rng, batch, classes, image, signal, labels=None, logit_scale=1.0,
               temperature=0.5, wrong_confident=False):
    """Random float32 logits and features for text and image, in the order given by image."""
    text = 1 - image
    if labels is None:
        labels = rng.integers(0, classes, size=batch)
    labels = np.asarray(labels)
    logits, features = [], []
    for m in range(2):
        z = rng.standard_normal((batch, classes)) * logit_scale
        z[np.arange(batch), labels] += signal[m]
        if wrong_confident:
            z[np.arange(batch), labels] -= 20.0
        logits.append(z.astype(np.float32))
        features.append(rng.standard_normal((batch, 12)).astype(np.float32))
    s = [significance(z, labels) for z in logits]
    hy = label_entropy_bits(labels)
    t, rho, fallback = ratios_from_stats(s, hy, temperature, image, text)
    return {"name": name, "classes": classes, "labels": labels.tolist(), "image": image,
            "text": text, "temperature": temperature,
            "logits": [z.ravel().tolist() for z in logits],
            "features": [f.ravel().tolist() for f in features], "feature_count": 12,
            "significance": s, "label_entropy": hy, "t": t.tolist(), "ratios": rho.tolist(),
            "fallback": fallback}


def stats_case(name, s, hy, image=1, temperature=0.5):
    t, rho, fallback = ratios_from_stats(s, hy, temperature, image, 1 - image)
    return {"name": name, "significance": finite_or_none(s), "label_entropy": hy,
            "image": image,
            "text": 1 - image, "temperature": temperature, "t": finite_or_none(t),
            "ratios": rho.tolist(), "fallback": fallback}


# ---- unit scores, AMSS+ weights, masked gradients ----------------------------------------


def unit_scores(grad, weight, layout, importance, elementwise):
    """Per-unit scores; elementwise: the sum of each element's own score (attention heads)."""
    g2 = np.asarray(grad, dtype=np.float64) ** 2
    w2 = np.asarray(weight, dtype=np.float64) ** 2

    def score(a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            if importance == "gn":
                return a
            if importance == "gn_wn":
                return a / b
            return np.sqrt(a)

    if layout[0] == "leading":
        n = layout[1]
        g, w = g2.reshape(n, -1), w2.reshape(n, -1)
    else:
        n = layout[1]
        rows, cols = g2.shape
        g = g2.reshape(rows, n, cols // n).transpose(1, 0, 2).reshape(n, -1)
        w = w2.reshape(rows, n, cols // n).transpose(1, 0, 2).reshape(n, -1)
    if elementwise:
        return score(g, w).sum(axis=1)
    return score(g.sum(axis=1), w.sum(axis=1))


def informative(scores):
    return np.isfinite(scores) & (scores > 0)


def biased_weights(scores, total, count, bias):
    """1/(q_j + 1/N + b); q_j = 0 where the score (or the total) is not finite and positive."""
    ok = informative(scores) & (total > 0) & np.isfinite(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(ok, scores / total, 0.0)
    return 1.0 / (q + 1.0 / count + bias)


def keep_count(n, rho):
    return min(max(int(math.ceil(n * rho - 1e-9)), 1), n)


def top_k(scores, k):
    """The k largest informative scores, ties to the lower index, or None if too few."""
    idx = [i for i in range(len(scores)) if informative(scores[i:i + 1])[0]]
    if len(idx) < k:
        return None
    idx.sort(key=lambda i: (-scores[i], i))
    return sorted(idx[:k])


def unit_case(name, grad, weight, layout, keep_ratio, bias, elementwise):
    """A convolution (leading, rank 4) or attention projection (leading / trailing, rank 2)."""
    grad = np.asarray(grad, dtype=np.float32)
    weight = np.asarray(weight, dtype=np.float32)
    n = layout[1]
    k = keep_count(n, keep_ratio)
    case = {"name": name, "shape": list(grad.shape), "layout": list(layout),
            "keep_ratio": keep_ratio, "bias": bias, "elementwise": elementwise,
            "grad": grad.ravel().tolist(), "weight": weight.ravel().tolist(), "keep_count": k,
            "importances": {}}
    for importance in IMPORTANCES:
        s = unit_scores(grad, weight, layout, importance, elementwise)
        total = s[informative(s)].sum()
        w = biased_weights(s, total, n, bias)
        entry = {"scores": finite_or_none(s), "weights": w.tolist()}
        kept = top_k(s, k)
        if kept is not None:
            factor = np.zeros(n)
            factor[kept] = w[kept]
            g = grad.astype(np.float64)
            if layout[0] == "leading":
                masked = g.reshape(n, -1) * factor[:, None]
            else:
                rows, cols = g.shape
                masked = g.reshape(rows, n, cols // n) * factor[None, :, None]
            entry["topk_kept"] = kept
            entry["topk_grad"] = masked.ravel().tolist()
        case["importances"][importance] = entry
    return case


def fusion_case(name, grad, weight, blocks, keep_ratios, bias):
    """A concat-fusion weight [K, C] with one column block per modality (start, count)."""
    grad = np.asarray(grad, dtype=np.float32)
    weight = np.asarray(weight, dtype=np.float32)
    rows = grad.shape[0]
    case = {"name": name, "shape": list(grad.shape), "blocks": [list(b) for b in blocks],
            "keep_ratios": keep_ratios, "bias": bias, "grad": grad.ravel().tolist(),
            "weight": weight.ravel().tolist(), "importances": {}}
    for importance in IMPORTANCES:
        g = grad.astype(np.float64)
        out = g.copy()
        weights, kept_rows, complete = [], [], True
        for (start, count), rho in zip(blocks, keep_ratios):
            block = slice(start, start + count)
            s = np.asarray(_element_scores(g[:, block], weight[:, block], importance))
            total = s[informative(s)].sum()
            w = biased_weights(s, total, rows, bias)
            weights.append(w.tolist())
            k = keep_count(count, rho)
            block_kept = []
            for r in range(rows):
                kept = top_k(s[r], k)
                if kept is None:
                    complete = False
                    kept = []
                factor = np.zeros(count)
                factor[kept] = w[r, kept]
                out[r, block] = g[r, block] * factor
                block_kept.append(kept)
            kept_rows.append(block_kept)
        entry = {"weights": weights}
        if complete:
            entry["topk_kept"] = kept_rows
            entry["topk_grad"] = out.ravel().tolist()
        case["importances"][importance] = entry
    return case


def _element_scores(grad, weight, importance):
    """Each element's own score, [rows, count]."""
    g2 = np.asarray(grad, dtype=np.float64) ** 2
    w2 = np.asarray(weight, dtype=np.float64) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        if importance == "gn":
            return g2
        if importance == "gn_wn":
            return g2 / w2
        return np.sqrt(g2)


def main():
    rng = np.random.default_rng(20241204)
    # Text is modality 0 and image 1 as the trainer orders them; "image_first" swaps them.
    batches = [
        batch_case("random", rng, 16, 2, 1, (1.0, 0.5)),
        batch_case("image_dominant", rng, 16, 3, 1, (0.2, 3.0)),
        batch_case("text_dominant_image_first", rng, 12, 3, 0, (0.3, 2.5)),
        batch_case("sharp_logits_clamped", rng, 16, 2, 1, (8.0, 2.0), logit_scale=2.0,
                   temperature=0.1),
        batch_case("skewed_labels", rng, 10, 3, 1, (1.0, 1.0),
                   labels=[0, 0, 0, 0, 0, 0, 1, 1, 2, 0]),
        batch_case("fallback_confidently_wrong", rng, 8, 2, 1, (1.0, 1.0),
                   wrong_confident=True),
        batch_case("single_sample", rng, 1, 2, 1, (0.5, 0.5)),
    ]
    hy = 1.0  # two equally frequent labels; the +1e-8 is below float64 resolution here
    stats = [
        stats_case("equal", [-0.4, -0.4], hy),
        # s_image + H_Y + 0.5 = 0 exactly: "< 0" is false, no fallback
        stats_case("image_test_zero", [-0.25, -1.5], hy),
        # s_text + H_Y + 0.5 = 0 exactly: "<= 0" is true, fallback
        stats_case("text_test_zero", [-1.5, -0.25], hy),
        stats_case("text_test_zero_image_first", [-0.25, -1.5], hy, image=0),
        stats_case("image_test_negative", [-0.2, -1.75], hy),
        stats_case("clamp_high_and_low", [-0.05, -1.2], hy, temperature=0.2),
        stats_case("nan_significance", [float("nan"), -0.3], hy),
        stats_case("overflow_float32", [60.0, 1.0], hy, temperature=0.5),
    ]

    conv = (8, 3, 3, 3)
    sparse = np.zeros(conv)
    sparse[[2, 5]] = rng.standard_normal((2,) + conv[1:])
    zero_weight = rng.standard_normal(conv) * 0.2
    zero_weight[3] = 0
    units = [
        unit_case("conv_random", rng.standard_normal(conv), rng.standard_normal(conv) * 0.2,
                  ("leading", 8), 0.5, 0.2, False),
        unit_case("conv_low_ratio_no_bias", rng.standard_normal(conv),
                  rng.standard_normal(conv) * 0.2, ("leading", 8), 0.1, 0.0, False),
        unit_case("conv_sparse", sparse, rng.standard_normal(conv) * 0.2, ("leading", 8), 0.2,
                  0.2, False),
        unit_case("conv_zero_weight_filter", rng.standard_normal(conv), zero_weight,
                  ("leading", 8), 0.7, 0.2, False),
        unit_case("conv_zero_gradient", np.zeros(conv), rng.standard_normal(conv),
                  ("leading", 8), 0.5, 0.2, False),
        unit_case("attention_qkv_heads", rng.standard_normal((4 * 3, 10)),
                  rng.standard_normal((12, 10)) * 0.2, ("leading", 4), 0.5, 0.2, True),
        unit_case("attention_output_heads", rng.standard_normal((10, 4 * 3)),
                  rng.standard_normal((10, 12)) * 0.2, ("trailing", 4), 0.6, 0.2, True),
        unit_case("attention_output_heads_skewed",
                  rng.standard_normal((6, 16)) * np.repeat(np.arange(1, 9), 2),
                  rng.standard_normal((6, 16)) * 0.2, ("trailing", 8), 0.3, 0.2, True),
    ]
    fusion_grad = rng.standard_normal((3, 20))
    fusion_grad[1, 12:] = 0  # an image row with no gradient: fewer informative than k
    fusions = [
        fusion_case("fusion_two_blocks", rng.standard_normal((3, 20)),
                    rng.standard_normal((3, 20)) * 0.2, [(0, 12), (12, 8)], [0.3, 0.7], 0.2),
        fusion_case("fusion_dead_image_row", fusion_grad, rng.standard_normal((3, 20)) * 0.2,
                    [(0, 12), (12, 8)], [0.5, 0.5], 0.2),
    ]

    counts = []
    for n in (1, 4, 8, 10, 12, 20, 30, 40, 64, 100, 256, 512):
        for rho in (LOW32, HIGH32, NEUTRAL):
            counts.append({"n": n, "rho": rho, "k": math.ceil(n * rho)})

    doc = {"generator": "tools/ref/image_text_fixtures.py", "numpy": np.__version__,
           "python": platform.python_version(), "batches": batches, "stats": stats,
           "units": units, "fusions": fusions, "keep_counts": counts}
    with open("Tests/RebalanceTests/Fixtures/image_text.json", "w") as handle:
        json.dump(doc, handle, separators=(",", ":"))
        handle.write("\n")


if __name__ == "__main__":
    main()
