"""Forward + backward time of the audio-visual ResNet-18 in PyTorch, for comparison with
`AMSS_BENCH=... swift test -c release --filter BenchmarkTests` on the same machine.

Same shapes: audio [B, 1, 257, 188], frames [B, 3, 224, 224] (one frame per clip), 6 classes,
mean cross-entropy of the fused logits; the model is the one of tools/ref/torch_fixtures.py.
Requires: torch (2.13.0+cpu CPU wheel), numpy.
Usage: python3 tools/bench/model_step.py [--threads 2] [--repeats 3] 0.125x16 0.25x16 1x4
"""

import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ref"))
from torch_fixtures import TorchAudioVisual  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("configs", nargs="+", help="width x batch, e.g. 0.125x16")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    for config in args.configs:
        width, batch = config.split("x")
        width, batch = float(width), int(batch)
        model = TorchAudioVisual(width, 6).train()
        audio = torch.randn(batch, 1, 257, 188)
        frames = torch.randn(batch, 3, 224, 224)
        labels = torch.arange(batch) % 6
        times, cpu = [], []
        for _ in range(args.repeats + 1):
            model.zero_grad(set_to_none=False)
            cpu_start = time.process_time()
            start = time.perf_counter()
            logits = model(audio, frames, 1)[0]
            loss = F.cross_entropy(logits, labels)
            middle = time.perf_counter()
            loss.backward()
            end = time.perf_counter()
            times.append(((middle - start) * 1e3, (end - middle) * 1e3))
            cpu.append((time.process_time() - cpu_start) * 1e3)
        measured = sorted(times[1:], key=lambda t: t[0] + t[1])
        forward, backward = measured[len(measured) // 2]
        fastest = sum(measured[0])
        cpu_median = sorted(cpu[1:])[len(cpu[1:]) // 2]
        print(f"torch {torch.__version__} width {width:g} batch {batch} threads "
              f"{args.threads}: forward {forward:.0f} ms, backward {backward:.0f} ms, "
              f"step {forward + backward:.0f} ms (median of {len(measured)}; fastest "
              f"{fastest:.0f} ms; CPU {cpu_median:.0f} ms per step)")


if __name__ == "__main__":
    main()
