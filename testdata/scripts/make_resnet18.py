#!/usr/bin/python3
"""Makes the benchmarks' large model: a ResNet-18-shaped CNN (ImageNet layout, 224x224 RGB input, 1000 classes,
11.7 M parameters) with random weights, exported to ONNX, and 8 random calibration images for its static int8
form. Speed does not depend on the weights' values; random ones keep 46 MB of float32 out of the repository.

Run from the repository root: /usr/bin/python3 testdata/scripts/make_resnet18.py [OUT_DIR]  (default: build)
Writes OUT_DIR/resnet18.onnx and OUT_DIR/resnet18-calib.npy. Needs Debian's python3-torch and python3-onnx.
Deterministic: a fixed seed, and the same torch version gives the same bytes.
"""
import os
import sys

import numpy as np
import torch
from torch import nn

OUT = sys.argv[1] if len(sys.argv) > 1 else "build"


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.down is None else self.down(x)))


class ResNet18(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.pool = nn.MaxPool2d(3, 2, 1)
        layers = []
        cin = 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = self.layers(x)
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3), keepdim=True), 1))


def main():
    torch.manual_seed(18)
    model = ResNet18()
    # Inference statistics that keep activations in a sane range through 8 residual blocks.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.2, 0.6)
            m.bias.data.uniform_(-0.1, 0.1)
    model.eval()
    os.makedirs(OUT, exist_ok=True)
    x = torch.randn(1, 3, 224, 224)
    torch.onnx.export(model, x, os.path.join(OUT, "resnet18.onnx"), input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=13,
                      do_constant_folding=True)
    rng = np.random.default_rng(18)
    np.save(os.path.join(OUT, "resnet18-calib.npy"), rng.standard_normal((8, 3, 224, 224)).astype(np.float32))
    print("wrote", os.path.join(OUT, "resnet18.onnx"), "and", os.path.join(OUT, "resnet18-calib.npy"))


if __name__ == "__main__":
    main()
