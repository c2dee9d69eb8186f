"""Reference values for the fusion-head tests (Tests/TensorTests/FusionHeadTests.swift).

Writes Tests/TensorTests/Fixtures/fusion.json + fusion.bin in the layout of the other Tensor
fixtures: the .bin holds the little-endian float32 values of every tensor one after the other,
the .json gives each tensor's shape and offset (in values) and the versions used. For each case
(sum over three modalities; FiLM conditioned on modality 0 and on modality 1; gated with the
gate from modality 0 and from modality 1) it stores the features, the parameters (named as the
Swift heads name them), an upstream gradient dL/dlogits, and the fused logits, d(features),
every parameter gradient and the uni-modal logits (METHOD.md section 1: for sum, the
modality's own linear layer; for FiLM and gated, the head applied with every other modality's
features zeroed).

Inputs are drawn in float32; references are computed in float64 from those same values and
rounded to float32 once; "torch_float32_error" records PyTorch's own float32 error against them
(max |f32 - f64| / max |f64|), for scale.

Pinned: torch==2.13.0+cpu (the wheel in /opt/wheels), numpy==2.4.6, Python 3.11.
Usage: python3 tools/make_fusion_fixtures.py [output folder]
"""

import json
import os
import platform
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "Tests", "TensorTests", "Fixtures")
BATCH = 3
CLASSES = 4


def sum_head(features, p, case):
    """logits = sum over m of (W_m f_m + b_m)."""
    total = 0
    for m, f in enumerate(features):
        total = total + F.linear(f, p[f"fusion.{m}.weight"], p[f"fusion.{m}.bias"])
    return total


def film_head(features, p, case):
    """[gamma; beta] = film(f_c); logits = out(gamma * f_o + beta)."""
    c = case["film_modality"]
    conditioned = features[1 - c]
    modulation = F.linear(features[c], p["fusion.film.weight"], p["fusion.film.bias"])
    gamma, beta = modulation[:, :conditioned.shape[1]], modulation[:, conditioned.shape[1]:]
    return F.linear(gamma * conditioned + beta, p["fusion.out.weight"], p["fusion.out.bias"])


def gated_head(features, p, case):
    """u_m = fc_m(f_m); logits = out(sigmoid(u_g) * u_o)."""
    g = case["gate_modality"]
    u = [F.linear(f, p[f"fusion.{m}.weight"], p[f"fusion.{m}.bias"])
         for m, f in enumerate(features)]
    return F.linear(torch.sigmoid(u[g]) * u[1 - g], p["fusion.out.weight"],
                    p["fusion.out.bias"])


def linear_params(name, fan_in, fan_out):
    """PyTorch's default Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1 / fan_in ** 0.5
    return {name + ".weight": (torch.rand(fan_out, fan_in) * 2 - 1) * bound,
            name + ".bias": (torch.rand(fan_out) * 2 - 1) * bound}


def case_params(case):
    counts = case["feature_counts"]
    params = {}
    if case["kind"] == "sum":
        for m, count in enumerate(counts):
            params.update(linear_params(f"fusion.{m}", count, CLASSES))
    elif case["kind"] == "film":
        c = case["film_modality"]
        width = counts[1 - c]
        params.update(linear_params("fusion.film", counts[c], 2 * width))
        params.update(linear_params("fusion.out", width, CLASSES))
    else:
        hidden = case["hidden_count"]
        for m, count in enumerate(counts):
            params.update(linear_params(f"fusion.{m}", count, hidden))
        params.update(linear_params("fusion.out", hidden, CLASSES))
    return params


def unimodal(head, features, p, case, m):
    """METHOD.md section 1: for sum, modality m's own layer W_m f_m + b_m (the head sliced);
    for FiLM and gated, the head with every other modality's features zeroed."""
    if case["kind"] == "sum":
        return F.linear(features[m], p[f"fusion.{m}.weight"], p[f"fusion.{m}.bias"])
    return head([f if i == m else torch.zeros_like(f) for i, f in enumerate(features)], p, case)


HEADS = {"sum": sum_head, "film": film_head, "gated": gated_head}
CASES = [
    {"name": "sum3", "kind": "sum", "feature_counts": [5, 7, 3]},
    {"name": "film0", "kind": "film", "feature_counts": [6, 5], "film_modality": 0},
    {"name": "film1", "kind": "film", "feature_counts": [6, 5], "film_modality": 1},
    {"name": "gated0", "kind": "gated", "feature_counts": [5, 7], "hidden_count": 6,
     "gate_modality": 0},
    {"name": "gated1", "kind": "gated", "feature_counts": [5, 7], "hidden_count": 6,
     "gate_modality": 1},
]


def main():
    torch.manual_seed(20261204)
    meta = {
        "description": "fusion heads (sum, FiLM, gated): forward, gradients, uni-modal logits",
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "batch": BATCH, "classes": CLASSES, "cases": CASES,
        "tensors": {}, "ints": {}, "scalars": {}, "torch_float32_error": {},
    }
    chunks = []

    def add(key, value):
        array = np.ascontiguousarray(value.detach().numpy(), dtype="<f4")
        meta["tensors"][key] = {"shape": list(array.shape),
                                "offset": sum(chunk.size for chunk in chunks)}
        chunks.append(array.reshape(-1))

    def add_checked(key, wide, narrow):
        add(key, wide)
        scale = wide.detach().abs().max().item()
        error = (narrow.detach().double() - wide.detach()).abs().max().item()
        meta["torch_float32_error"][key] = error / scale if scale > 0 else error

    for case in CASES:
        name, head = case["name"], HEADS[case["kind"]]
        features = [torch.randn(BATCH, count) for count in case["feature_counts"]]
        params = case_params(case)
        upstream = torch.randn(BATCH, CLASSES)
        for m, f in enumerate(features):
            add(f"{name}.f{m}", f)
        for key, value in params.items():
            add(f"{name}.{key}", value)
        add(f"{name}.dlogits", upstream)

        results = {}
        for dtype in (torch.float64, torch.float32):
            fs = [f.to(dtype).requires_grad_(True) for f in features]
            ps = {k: v.to(dtype).requires_grad_(True) for k, v in params.items()}
            logits = head(fs, ps, case)
            logits.backward(upstream.to(dtype))
            with torch.no_grad():
                uni = [unimodal(head, fs, ps, case, m) for m in range(len(fs))]
            results[dtype] = (logits, [f.grad for f in fs], {k: v.grad for k, v in ps.items()},
                              uni)

        (l64, df64, dp64, u64), (l32, df32, dp32, u32) = results[torch.float64], \
            results[torch.float32]
        add_checked(f"{name}.logits", l64, l32)
        for m in range(len(features)):
            add_checked(f"{name}.df{m}", df64[m], df32[m])
            add_checked(f"{name}.uni{m}", u64[m], u32[m])
        for key in params:
            add_checked(f"{name}.grad.{key}", dp64[key], dp32[key])

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "fusion.bin"), "wb") as handle:
        for chunk in chunks:
            handle.write(chunk.tobytes())
    with open(os.path.join(OUT, "fusion.json"), "w") as handle:
        json.dump(meta, handle, indent=1, sort_keys=True)
        handle.write("\n")


if __name__ == "__main__":
    main()
