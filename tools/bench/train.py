"""Seconds per training step of the audio-visual ResNet-18 in PyTorch (CPU), the reference for
`amss bench train --torch`, with a per-layer-kind profile.

One step: zero the gradients, forward both encoders and the concat fusion, cross-entropy of the
fused logits, backward, SGD update (lr 0.01, momentum 0.9, weight decay 1e-4). Shapes are
CREMA-D's: audio [B, 1, 257, 188], one 224x224 frame per clip, 6 classes; synthetic tensors,
no dataset. The model is tools/ref/torch_fixtures.py's (GELU, width multiplier).
The profile sums torch.profiler's self CPU time per operator over the timed steps, grouped into
the layer kinds amss reports (conv, batch_norm, gelu, max_pool, mean_pool, linear,
cross_entropy, optimizer, other).

Pinned: torch==2.13.0+cpu (the CPU wheel), numpy==2.4.6 (Python 3.11).
Usage: python3 tools/bench/train.py [--width 1] [--batch 64] [--threads 2] [--steps 3]
       [--warmup 1] [--profile] [--json]
"""

import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ref"))
from torch_fixtures import TorchAudioVisual  # noqa: E402

KINDS = [
    ("conv", ("convolution", "conv2d", "mkldnn_convolution", "_slow_conv2d", "thnn_conv",
              "convolution_backward", "im2col", "col2im")),
    ("batch_norm", ("batch_norm", "native_batch_norm")),
    ("gelu", ("gelu",)),
    ("max_pool", ("max_pool", "max_pool2d_with_indices")),
    ("mean_pool", ("mean", "sum")),
    ("linear", ("addmm", "linear", "matmul", "mm")),
    ("cross_entropy", ("cross_entropy", "log_softmax", "nll_loss")),
    ("optimizer", ("sgd", "_foreach", "add_", "mul_")),
]


def kind_of(name):
    lowered = name.lower()
    for kind, keys in KINDS:
        if any(key in lowered for key in keys):
            return kind
    return "other"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    model = TorchAudioVisual(args.width, 6).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    audio = torch.randn(args.batch, 1, 257, 188)
    frames = torch.randn(args.batch, 3, 224, 224)
    labels = torch.arange(args.batch) % 6

    def step():
        optimizer.zero_grad(set_to_none=False)
        logits = model(audio, frames, 1)[0]
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    times.sort()
    result = {"torch": torch.__version__, "width": args.width, "batch": args.batch,
              "threads": args.threads, "steps": args.steps,
              "train_step_s": times[len(times) // 2], "fastest_s": times[0]}

    if args.profile:
        totals = {}
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            step()
        for event in prof.key_averages():
            kind = kind_of(event.key)
            totals[kind] = totals.get(kind, 0.0) + event.self_cpu_time_total * 1e-6
        result["profile_s"] = dict(sorted(totals.items()))

    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"torch {result['torch']} width {args.width:g} batch {args.batch} threads "
              f"{args.threads}: {result['train_step_s']:.3f} s per step (median of "
              f"{args.steps})")
        for kind, seconds in result.get("profile_s", {}).items():
            print(f"  {kind:14s} {seconds:.3f} s")


if __name__ == "__main__":
    main()
