"""Reference features of a ResNet-50 with torchvision's structure and parameter names, for
the Swift ResNet50 loading a torchvision-layout safetensors file
(Tests/TensorTests/Fixtures/resnet50.safetensors, resnet50.json + .bin).

The network is torchvision's resnet50 (Bottleneck v1.5: the stride on the 3x3 convolution,
layers 3-4-6-3, expansion 4, ReLU, global average pooling) at width 1/16 (inner widths 4, 8,
16, 32; 128 features), written here in torch operations because torchvision's PyPI wheel
does not import next to the local CPU torch build ("operator torchvision::nms does not
exist"). Random weights (convolutions Kaiming-normal fan-out, BN affine and running statistics
away from 1/0, a 10-class fc that the encoder must ignore) are rounded to float16 and saved as
F16, with num_batches_tracked as I64, as torch's state_dict holds it. Outputs: the pooled
features of two 64x64 images in eval mode (running statistics) and in train mode (batch
statistics), and every parameter gradient of sum(eval features * dy) (eval mode: with batch
statistics of 8 values per channel in layer4, even PyTorch's own float32 gradients are 3.5e-4
off float64), float64 references from the float16-exact weights.

Pins: Python 3.11, torch 2.13.0+cpu, safetensors==0.8.0 (installed with transformers==5.25.0).
    tools/.venv/bin/python tools/ref/resnet50_fixtures.py
"""

import os
import sys

import safetensors
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(__file__))
import torch_fixtures  # noqa: E402
from torch_fixtures import Group  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "TensorTests", "Fixtures")


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, 4 * width, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(4 * width)
        self.downsample = None
        if stride != 1 or cin != 4 * width:
            self.downsample = nn.Sequential(nn.Conv2d(cin, 4 * width, 1, stride, bias=False),
                                            nn.BatchNorm2d(4 * width))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet50(nn.Module):
    def __init__(self, width, classes):
        super().__init__()
        widths = [max(1, round(64 * width * 2 ** s)) for s in range(4)]
        self.conv1 = nn.Conv2d(3, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        channels = widths[0]
        for stage, (w, count) in enumerate(zip(widths, [3, 4, 6, 3])):
            blocks = []
            for index in range(count):
                blocks.append(Bottleneck(channels, w, 2 if stage > 0 and index == 0 else 1))
                channels = 4 * w
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(channels, classes)

    def features(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        for stage in range(1, 5):
            x = getattr(self, f"layer{stage}")(x)
        return x.mean(dim=(2, 3))


def main():
    torch.manual_seed(20261205)
    torch.set_num_threads(1)
    torch_fixtures.OUT = OUT
    model = ResNet50(1 / 16, 10)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.uniform_(module.weight, 0.5, 1.5)
                nn.init.normal_(module.bias, 0, 0.2)
                module.running_mean.normal_(0, 0.2)
                module.running_var.uniform_(0.5, 1.5)
                module.num_batches_tracked.fill_(7)
        for value in model.state_dict().values():
            if value.is_floating_point():
                value.copy_(value.half().float())
    state = {k: (v.half() if v.is_floating_point() else v).contiguous()
             for k, v in model.state_dict().items()}
    save_file(state, os.path.join(OUT, "resnet50.safetensors"))

    group = Group("resnet50", "ResNet-50 (torchvision structure and names) at width 1/16 "
                  "with the F16 weights of resnet50.safetensors: pooled features of two 64x64 "
                  "images, eval (running statistics) and train (batch statistics) mode, and "
                  "the parameter gradients of sum(eval features * dy)")
    group.meta["safetensors_version"] = safetensors.__version__
    group.meta["scalars"]["width"] = 1 / 16
    images = torch.randn(2, 3, 64, 64)
    dy = torch.randn(2, 128)
    group.add("x", images)
    group.add("dy", dy)
    outputs = {}
    for dtype in (torch.float64, torch.float32):
        copy = ResNet50(1 / 16, 10)
        copy.load_state_dict(model.state_dict())
        copy = copy.to(dtype)
        evaluated = copy.eval().features(images.to(dtype))
        (evaluated * dy.to(dtype)).sum().backward()
        with torch.no_grad():
            outputs[dtype] = {"eval": evaluated, "train": copy.train().features(images.to(dtype))}
        for name, parameter in copy.named_parameters():
            if not name.startswith("fc."):
                outputs[dtype]["grad." + name] = parameter.grad
    for key in outputs[torch.float64]:
        group.add_checked(key, outputs[torch.float64][key], outputs[torch.float32][key])
    group.write()


if __name__ == "__main__":
    main()
