"""Reference values for the Tensor and Models tests, computed with PyTorch.

Writes Tests/TensorTests/Fixtures/<group>.json + <group>.bin pairs. Each .bin is the
little-endian float32 values of the group's tensors one after the other; the .json gives, per
tensor, its shape and offset (in values), plus integer data (labels) and scalars. Inputs are
drawn in float32; every reference output is computed in float64 from those same float32 inputs
and rounded to float32 once, so the fixture carries only the rounding error of the final
value. For scale, each group also records how far PyTorch's own float32 computation lands from
that float64 reference ("torch_float32_error": max |f32 − f64| / max |f64| per output).

Requires: torch (the CPU wheel, 2.13.0+cpu when these fixtures were made), numpy.
Usage: python3 tools/ref/torch_fixtures.py [output folder]
"""

import copy
import json
import os
import platform
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "Tests", "TensorTests", "Fixtures")


class Group:
    """Collects the tensors of one fixture group and writes the .json/.bin pair."""

    def __init__(self, name, description):
        self.name = name
        self.meta = {
            "description": description,
            "torch_version": torch.__version__,
            "numpy_version": np.__version__,
            "python_version": platform.python_version(),
            "tensors": {},
            "ints": {},
            "scalars": {},
            "torch_float32_error": {},
        }
        self.chunks = []
        self.offset = 0

    def add(self, key, value):
        array = np.ascontiguousarray(
            value.detach().cpu().numpy() if torch.is_tensor(value) else value,
            dtype="<f4")
        self.meta["tensors"][key] = {"shape": list(array.shape), "offset": self.offset}
        self.chunks.append(array.reshape(-1))
        self.offset += array.size

    def add_checked(self, key, reference64, value32):
        """Adds a float64 reference and records torch's float32 relative error against it."""
        self.add(key, reference64)
        ref = reference64.detach().double()
        scale = ref.abs().max().item()
        error = (value32.detach().double() - ref).abs().max().item()
        self.meta["torch_float32_error"][key] = error / scale if scale > 0 else error

    def write(self):
        os.makedirs(OUT, exist_ok=True)
        with open(os.path.join(OUT, self.name + ".bin"), "wb") as handle:
            for chunk in self.chunks:
                handle.write(chunk.tobytes())
        with open(os.path.join(OUT, self.name + ".json"), "w") as handle:
            json.dump(self.meta, handle, indent=1, sort_keys=True)
            handle.write("\n")


def both(*tensors):
    """float64 leaf copies and float32 leaf copies of float32 tensors, requiring grad."""
    wide = [t.detach().double().requires_grad_(True) for t in tensors]
    narrow = [t.detach().float().requires_grad_(True) for t in tensors]
    return wide, narrow


def conv_fixture():
    group = Group("conv", "conv2d without bias: forward, input and weight gradients")
    cases = [  # (name, input shape, weight shape, stride, padding)
        ("k3s2p1", (2, 3, 11, 9), (4, 3, 3, 3), 2, 1),
        ("k7s2p3", (2, 1, 19, 16), (5, 1, 7, 7), 2, 3),
        ("k1s2p0", (2, 4, 7, 8), (6, 4, 1, 1), 2, 0),
        ("k3s1p1", (1, 2, 5, 6), (3, 2, 3, 3), 1, 1),
    ]
    cases_meta = []
    for name, x_shape, w_shape, stride, padding in cases:
        x = torch.randn(x_shape)
        w = torch.randn(w_shape) * 0.5
        (x64, w64), (x32, w32) = both(x, w)
        y64 = F.conv2d(x64, w64, stride=stride, padding=padding)
        y32 = F.conv2d(x32, w32, stride=stride, padding=padding)
        dy = torch.randn(y64.shape)
        y64.backward(dy.double())
        y32.backward(dy)
        group.add(name + ".x", x)
        group.add(name + ".w", w)
        group.add(name + ".dy", dy)
        group.add_checked(name + ".y", y64, y32)
        group.add_checked(name + ".dx", x64.grad, x32.grad)
        group.add_checked(name + ".dw", w64.grad, w32.grad)
        cases_meta.append({"name": name, "stride": stride, "padding": padding})
    group.meta["cases"] = cases_meta
    group.write()


def batch_norm_fixture():
    group = Group("batchnorm", "BatchNorm2d (eps 1e-5, momentum 0.1): train forward/backward, "
                  "running statistics after one step, eval forward/backward with them")
    x = torch.randn(3, 4, 5, 6) * 2 + 0.7
    gamma = torch.rand(4) + 0.5
    beta = torch.randn(4) * 0.3
    running_mean = torch.randn(4) * 0.1
    running_var = torch.rand(4) + 0.5
    dy = torch.randn(3, 4, 5, 6)
    dy_eval = torch.randn(3, 4, 5, 6)
    for key, value in [("x", x), ("gamma", gamma), ("beta", beta), ("dy", dy),
                       ("dy_eval", dy_eval), ("running_mean_before", running_mean),
                       ("running_var_before", running_var)]:
        group.add(key, value)

    results = {}
    for dtype in (torch.float64, torch.float32):
        bn = nn.BatchNorm2d(4, eps=1e-5, momentum=0.1).to(dtype)
        with torch.no_grad():
            bn.weight.copy_(gamma)
            bn.bias.copy_(beta)
            bn.running_mean.copy_(running_mean)
            bn.running_var.copy_(running_var)
        xin = x.detach().clone().to(dtype).requires_grad_(True)
        bn.train()
        y = bn(xin)
        y.backward(dy.to(dtype))
        train = (y, xin.grad, bn.weight.grad.clone(), bn.bias.grad.clone(),
                 bn.running_mean.clone(), bn.running_var.clone())
        bn.eval()
        bn.weight.grad = None
        bn.bias.grad = None
        xin_eval = x.detach().clone().to(dtype).requires_grad_(True)
        y_eval = bn(xin_eval)
        y_eval.backward(dy_eval.to(dtype))
        results[dtype] = train + (y_eval, xin_eval.grad, bn.weight.grad, bn.bias.grad)
    names = ["y", "dx", "dgamma", "dbeta", "running_mean", "running_var",
             "y_eval", "dx_eval", "dgamma_eval", "dbeta_eval"]
    for index, key in enumerate(names):
        group.add_checked(key, results[torch.float64][index], results[torch.float32][index])
    group.write()


def gelu_fixture():
    group = Group("gelu", "exact (erf) GELU forward and backward")
    x = torch.cat([torch.linspace(-9, 9, 721), torch.randn(1000) * 2.5])
    dy = torch.randn(x.shape)
    (x64,), (x32,) = both(x)
    y64 = F.gelu(x64)
    y32 = F.gelu(x32)
    y64.backward(dy.double())
    y32.backward(dy)
    group.add("x", x)
    group.add("dy", dy)
    group.add_checked("y", y64, y32)
    group.add_checked("dx", x64.grad, x32.grad)
    group.write()


def max_pool_fixture():
    group = Group("maxpool", "max_pool2d 3x3 stride 2 padding 1: forward and backward")
    for name, shape in [("odd", (2, 3, 9, 11)), ("even", (1, 2, 8, 6))]:
        x = torch.randn(shape)
        (x64,), (x32,) = both(x)
        y64 = F.max_pool2d(x64, 3, 2, 1)
        y32 = F.max_pool2d(x32, 3, 2, 1)
        dy = torch.randn(y64.shape)
        y64.backward(dy.double())
        y32.backward(dy)
        group.add(name + ".x", x)
        group.add(name + ".dy", dy)
        group.add_checked(name + ".y", y64, y32)
        group.add_checked(name + ".dx", x64.grad, x32.grad)
    group.write()


def linear_fixture():
    group = Group("linear", "linear y = x W^T + b: forward and all gradients")
    x, w, b = torch.randn(4, 7), torch.randn(5, 7) * 0.4, torch.randn(5)
    dy = torch.randn(4, 5)
    (x64, w64, b64), (x32, w32, b32) = both(x, w, b)
    y64 = F.linear(x64, w64, b64)
    y32 = F.linear(x32, w32, b32)
    y64.backward(dy.double())
    y32.backward(dy)
    for key, value in [("x", x), ("w", w), ("b", b), ("dy", dy)]:
        group.add(key, value)
    group.add_checked("y", y64, y32)
    group.add_checked("dx", x64.grad, x32.grad)
    group.add_checked("dw", w64.grad, w32.grad)
    group.add_checked("db", b64.grad, b32.grad)
    group.write()


def cross_entropy_fixture():
    group = Group("crossentropy", "softmax cross-entropy, mean over the batch, its logit "
                  "gradient, and per-sample losses")
    logits = torch.randn(6, 5) * 3
    logits[5] = torch.tensor([80.0, -20.0, 75.0, 0.0, 79.5])  # needs a stable logsumexp
    labels = torch.tensor([0, 4, 2, 2, 1, 4])
    (z64,), (z32,) = both(logits)
    loss64 = F.cross_entropy(z64, labels)
    loss32 = F.cross_entropy(z32, labels)
    loss64.backward()
    loss32.backward()
    group.add("logits", logits)
    group.meta["ints"]["labels"] = labels.tolist()
    group.add_checked("loss", loss64.reshape(1), loss32.reshape(1))
    group.add_checked("grad", z64.grad, z32.grad)
    group.add_checked("per_sample", F.cross_entropy(z64, labels, reduction="none"),
                      F.cross_entropy(z32, labels, reduction="none"))
    group.write()


def sgd_fixture():
    group = Group("sgd", "torch.optim.SGD lr 0.1 momentum 0.9: three steps with given "
                  "gradients; 'all' decays both parameters (weight_decay 0.01), 'groups' puts "
                  "the second in a group with weight_decay 0")
    start = [torch.randn(3, 4), torch.randn(5)]
    grads = [[torch.randn(3, 4), torch.randn(5)] for _ in range(3)]
    for index, value in enumerate(start):
        group.add(f"start.{index}", value)
    for step, pair in enumerate(grads):
        for index, value in enumerate(pair):
            group.add(f"grad.{step}.{index}", value)
    for mode in ("all", "groups"):
        for dtype in (torch.float64, torch.float32):
            params = [nn.Parameter(value.to(dtype).clone()) for value in start]
            if mode == "all":
                optimizer = torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.01)
            else:
                optimizer = torch.optim.SGD([{"params": [params[0]]},
                                             {"params": [params[1]], "weight_decay": 0.0}],
                                            lr=0.1, momentum=0.9, weight_decay=0.01)
            for step, pair in enumerate(grads):
                for param, grad in zip(params, pair):
                    param.grad = grad.to(dtype).clone()
                optimizer.step()
                for index, param in enumerate(params):
                    key = f"{mode}.after.{step}.{index}"
                    if dtype == torch.float64:
                        group.add(key, param)
                        reference = param.detach().clone()
                        group.meta.setdefault("_pending", {})[key] = reference
                    else:
                        ref = group.meta["_pending"].pop(key)
                        error = (param.detach().double() - ref).abs().max().item()
                        group.meta["torch_float32_error"][key] = error / ref.abs().max().item()
    group.meta.pop("_pending")
    group.meta["scalars"].update({"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01})
    group.write()


class TorchBlock(nn.Module):
    """BasicBlock with GELU: gelu(bn2(conv2(gelu(bn1(conv1(x))))) + shortcut(x))."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.gelu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.gelu(out + shortcut)


class TorchResNet18(nn.Module):
    """ResNet-18 with GELU and a width multiplier, ending in global average pooling."""

    def __init__(self, cin, width):
        super().__init__()
        widths = [max(1, int(np.floor(64 * width * 2 ** s + 0.5))) for s in range(4)]
        self.conv1 = nn.Conv2d(cin, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        channels = widths[0]
        for stage, cout in enumerate(widths):
            stride = 1 if stage == 0 else 2
            blocks = [TorchBlock(channels, cout, stride), TorchBlock(cout, cout, 1)]
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
            channels = cout
        self.features = channels

    def forward(self, x):
        x = F.max_pool2d(F.gelu(self.bn1(self.conv1(x))), 3, 2, 1)
        for stage in range(1, 5):
            x = getattr(self, f"layer{stage}")(x)
        return x.mean(dim=(2, 3))


class TorchAudioVisual(nn.Module):
    """Audio and visual ResNet-18, frame features averaged per clip, concat fusion."""

    def __init__(self, width, classes):
        super().__init__()
        self.audio = TorchResNet18(1, width)
        self.visual = TorchResNet18(3, width)
        self.fusion = nn.Linear(self.audio.features + self.visual.features, classes)

    def forward(self, audio, frames, frames_per_clip):
        fa = self.audio(audio)
        fv = self.visual(frames).reshape(audio.shape[0], frames_per_clip, -1).mean(dim=1)
        logits = self.fusion(torch.cat([fa, fv], dim=1))
        weight, bias = self.fusion.weight, self.fusion.bias
        za = fa @ weight[:, :fa.shape[1]].T + bias / 2
        zv = fv @ weight[:, fa.shape[1]:].T + bias / 2
        return logits, [za, zv], [fa, fv]


def model_fixture():
    width, classes, frames_per_clip = 1 / 16, 3, 2
    model = TorchAudioVisual(width, classes)
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(module, nn.BatchNorm2d):  # away from 1/0 so that γ, β are exercised
            nn.init.uniform_(module.weight, 0.5, 1.5)
            nn.init.normal_(module.bias, 0, 0.2)
    audio = torch.randn(2, 1, 48, 40)
    frames = torch.randn(2 * frames_per_clip, 3, 48, 48)
    labels = torch.tensor([1, 2])

    group = Group("model", "AudioVisualModel, width 1/16, 3 classes, 2 clips of 2 frames, "
                  "train mode: inputs, weights, outputs, BN running statistics after the "
                  "forward, and eval-mode logits after it")
    grads = Group("model_grads", "gradient of the mean cross-entropy of the fused logits "
                  "with respect to every parameter of the 'model' group")
    group.meta["ints"].update({"labels": labels.tolist(), "frames_per_clip": [frames_per_clip],
                               "classes": [classes]})
    group.meta["scalars"]["width"] = width
    group.add("input.audio", audio)
    group.add("input.frames", frames)
    for name, value in model.named_parameters():
        group.add("param." + name, value)

    runs = {}
    for dtype in (torch.float64, torch.float32):
        copy_ = copy.deepcopy(model).to(dtype).train()
        logits, unimodal, features = copy_(audio.to(dtype), frames.to(dtype), frames_per_clip)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        copy_.eval()
        with torch.no_grad():
            eval_logits = copy_(audio.to(dtype), frames.to(dtype), frames_per_clip)[0]
        runs[dtype] = {
            "logits": logits, "unimodal.0": unimodal[0], "unimodal.1": unimodal[1],
            "features.0": features[0], "features.1": features[1], "loss": loss.reshape(1),
            "eval_logits": eval_logits,
            **{"buffer." + n: b for n, b in copy_.named_buffers() if "running" in n},
            **{"grad." + n: p.grad for n, p in copy_.named_parameters()},
        }
    for key, reference in runs[torch.float64].items():
        target = grads if key.startswith("grad.") else group
        target.add_checked(key, reference, runs[torch.float32][key])
    group.write()
    grads.write()


if __name__ == "__main__":
    torch.manual_seed(20240607)
    torch.set_num_threads(1)
    conv_fixture()
    batch_norm_fixture()
    gelu_fixture()
    max_pool_fixture()
    linear_fixture()
    cross_entropy_fixture()
    sgd_fixture()
    model_fixture()
