"""Reference trajectories of the optimizers, schedulers and gradient clipping, from PyTorch.

Writes Tests/TensorTests/Fixtures/optim.json + optim.bin (the format of torch_fixtures.py's
groups): two parameters (one in a no-decay group where that matters) start from given values
and take five steps with given gradients; after every step the parameters are stored, in
float64 (the reference) with torch's own float32 error recorded beside them. Cases:
  sgd_nesterov   torch.optim.SGD(lr 0.1, momentum 0.9, weight_decay 0.01, nesterov=True)
  adam           torch.optim.Adam(lr 0.01, betas (0.9, 0.99), eps 1e-8, weight_decay 0.01)
  adamw          torch.optim.AdamW(lr 0.01, betas (0.9, 0.999), eps 1e-8, weight_decay 0.1)
  clip_sgd       clip_grad_norm_(params, max_norm 1.0) then SGD(lr 0.1, momentum 0.9); the
                 gradients are scaled up so that clipping acts on every step
Learning rates of 12 epochs: StepLR(step_size 3, gamma 0.5), MultiStepLR(milestones [2, 5, 9],
gamma 0.1), CosineAnnealingLR(T_max 10, eta_min 0.001), base lr 0.1, stored as float64 scalars
"lr.<name>.<epoch>".

Pinned: torch==2.13.0+cpu (the CPU wheel), numpy==2.4.6 (Python 3.11).
Usage: python3 tools/ref/optimizer_fixtures.py
"""

import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from torch_fixtures import Group  # noqa: E402  (same fixture format and output folder)

STEPS = 5


def make(name, params):
    if name == "sgd_nesterov":
        return torch.optim.SGD([{"params": [params[0]]},
                                {"params": [params[1]], "weight_decay": 0.0}],
                               lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)
    if name == "adam":
        return torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.01)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8,
                                 weight_decay=0.1)
    return torch.optim.SGD(params, lr=0.1, momentum=0.9)


def trajectory(group, name, start, grads):
    for dtype in (torch.float64, torch.float32):
        params = [nn.Parameter(value.to(dtype).clone()) for value in start]
        optimizer = make(name, params)
        for step, pair in enumerate(grads):
            for param, grad in zip(params, pair):
                param.grad = grad.to(dtype).clone()
            if name == "clip_sgd":
                norm = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
                if dtype == torch.float64:
                    group.meta["scalars"][f"{name}.norm.{step}"] = norm.item()
            optimizer.step()
            for index, param in enumerate(params):
                key = f"{name}.after.{step}.{index}"
                if dtype == torch.float64:
                    group.add(key, param)
                    group.meta.setdefault("_pending", {})[key] = param.detach().clone()
                else:
                    ref = group.meta["_pending"].pop(key)
                    error = (param.detach().double() - ref).abs().max().item()
                    group.meta["torch_float32_error"][key] = error / ref.abs().max().item()


def schedules(group):
    makers = {
        "step": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
        "multistep": lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 9],
                                                                    gamma=0.1),
        "cosine": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10,
                                                                       eta_min=0.001),
    }
    for name, maker in makers.items():
        optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1, dtype=torch.float64))], lr=0.1)
        scheduler = maker(optimizer)
        for epoch in range(12):
            group.meta["scalars"][f"lr.{name}.{epoch}"] = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()


def main():
    torch.manual_seed(20261204)
    torch.set_num_threads(1)
    group = Group("optim", "optimizer trajectories (SGD Nesterov, Adam, AdamW, clipping + SGD) "
                  "over five steps with given gradients, and epoch learning rates of StepLR, "
                  "MultiStepLR and CosineAnnealingLR")
    start = [torch.randn(3, 4), torch.randn(5)]
    grads = [[torch.randn(3, 4), torch.randn(5)] for _ in range(STEPS)]
    for index, value in enumerate(start):
        group.add(f"start.{index}", value)
    for step, pair in enumerate(grads):
        for index, value in enumerate(pair):
            group.add(f"grad.{step}.{index}", value)
    for name in ("sgd_nesterov", "adam", "adamw"):
        trajectory(group, name, start, grads)
    scaled = [[3 * g for g in pair] for pair in grads]
    for step, pair in enumerate(scaled):
        for index, value in enumerate(pair):
            group.add(f"clip_grad.{step}.{index}", value)
    trajectory(group, "clip_sgd", start, scaled)
    group.meta.pop("_pending")
    schedules(group)
    group.write()


if __name__ == "__main__":
    main()
