#!/usr/bin/python3
"""Trains testdata/models/fashion-features-mlp.onnx: a classifier without input normalization. It computes
hand-made features inside the model - the 784 pixels (in [0, 1]), 28 row and 28 column ink sums (up to 28) and
the total ink (up to 784) - and feeds their concatenation, unscaled, to an MLP (841-64-512-512-10). Per-tensor
int8 quantization of that concatenation spends its range on the large sums and erases the pixels; the first
layer holds 15% of the MACs, so keeping it in float is the mixed-precision answer.

Run from anywhere with Debian's Python (python3-torch 1.13, python3-onnx, dataset-fashion-mnist):
    /usr/bin/python3 testdata/scripts/make_unnormalized_mlp.py
Fixed seeds and single-threaded training give the same file each run (about a minute here).
"""
import json
import pathlib
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import make_fashion_models as fm  # noqa: E402  (data loading, training loop, export)

torch.manual_seed(3)
torch.set_num_threads(1)


class FeatureMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784 + 28 + 28 + 1, 64)
        self.fc2 = nn.Linear(64, 512)
        self.fc3 = nn.Linear(512, 512)
        self.fc4 = nn.Linear(512, 10)

    def forward(self, x):
        img = x.reshape(-1, 28, 28)  # a view, so the export has Reshape rather than Gather
        features = torch.cat([img.flatten(1), img.sum(dim=2), img.sum(dim=1), img.sum(dim=(1, 2)).unsqueeze(1)], 1)
        h = torch.relu(self.fc1(features))
        h = torch.relu(self.fc2(h))
        h = torch.relu(self.fc3(h))
        return self.fc4(h)


def main():
    x_train, y_train = fm.load("train")
    x_test, y_test = fm.load("test")
    model = FeatureMlp()
    fm.train(model, x_train, y_train, epochs=4, lr=1e-3)
    out = fm.logits(model, x_test)
    name = "fashion-features-mlp"
    np.save(fm.ROOT / "models" / f"{name}.expected.npy", out[:1000])
    fm.export(model, name, 13)
    accuracy_file = fm.ROOT / "models" / "accuracy.json"
    accuracy = json.loads(accuracy_file.read_text())
    accuracy[name] = {"test_10000": float((out.argmax(1) == y_test).mean()),
                      "test_slice_1000": float((out[:1000].argmax(1) == y_test[:1000]).mean())}
    accuracy_file.write_text(json.dumps(accuracy, indent=2, sort_keys=True) + "\n")
    print(f"{name}: {accuracy[name]}", flush=True)


if __name__ == "__main__":
    main()
