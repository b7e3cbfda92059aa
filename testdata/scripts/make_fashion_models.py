#!/usr/bin/python3
"""Trains Octet's real test models on Fashion-MNIST and exports them to ONNX, with data slices and the
PyTorch outputs the tests compare against.

Run with Debian's Python (python3-torch 1.13, python3-onnx, dataset-fashion-mnist):
    /usr/bin/python3 testdata/scripts/make_fashion_models.py

Writes into testdata/:
    models/fashion-mlp.onnx          MLP 784-256-128-10 (opset 13)
    models/fashion-cnn.onnx          2 conv blocks with BatchNormalization left unfused (opset 13)
    models/fashion-transformer.onnx  tiny ViT-style classifier, 16 patch tokens, 2 encoder layers; exported at
                                     opset 14, so LayerNorm and GELU appear decomposed as exporters write them
    models/fashion-cnn-qat.onnx      the CNN after quantization-aware training, fake-quant exported as Q/DQ
    models/<name>.expected.npy       PyTorch's outputs (logits) on the 1,000-image test slice
    models/accuracy.json             fp32 top-1 accuracy on the full test set and on the slice
    data/fashion-test-1000.npy (+ -labels)   first 1,000 test images, float32 [N,1,28,28] in [0,1]
    data/fashion-calib-500.npy (+ -labels)   500 training images (a fixed random draw) for calibration
"""
import gzip
import json
import pathlib
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = pathlib.Path("/usr/share/datasets/fashion-mnist")
torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(2)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        magic, = struct.unpack(">I", f.read(4))
        ndim = magic & 0xFF
        dims = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def load(split):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(DATA / f"{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    y = read_idx(DATA / f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return x.reshape(-1, 1, 28, 28), y


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = torch.ao.quantization.QuantStub()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)
        self.dequant = torch.ao.quantization.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = torch.flatten(x, 1)
        x = self.fc2(self.relu3(self.fc1(x)))
        return self.dequant(x)


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, hidden):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q = q.reshape(b, t, h, d // h).transpose(1, 2)
        k = k.reshape(b, t, h, d // h).transpose(1, 2)
        v = v.reshape(b, t, h, d // h).transpose(1, 2)
        att = torch.softmax(q @ k.transpose(2, 3) / (d // h) ** 0.5, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Transformer(nn.Module):
    """Splits the image into 16 patches of 7x7, embeds them, two encoder layers, mean-pools, classifies."""

    def __init__(self, d=64, heads=4, hidden=128, layers=2):
        super().__init__()
        self.embed = nn.Linear(49, d)
        self.pos = nn.Parameter(torch.randn(1, 16, d) * 0.02)
        self.layers = nn.ModuleList([EncoderLayer(d, heads, hidden) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, 10)

    def forward(self, x):
        b = x.shape[0]
        x = x.reshape(b, 4, 7, 4, 7).permute(0, 1, 3, 2, 4).reshape(b, 16, 49)
        x = self.embed(x) + self.pos
        for layer in self.layers:
            x = layer(x)
        return self.head(self.ln(x).mean(dim=1))


def train(model, x, y, epochs, lr, batch=128):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xs))
        total = 0.0
        for i in range(0, len(xs), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = F.cross_entropy(model(xs[idx]), ys[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"  epoch {epoch + 1}: loss {total / len(xs):.4f}", flush=True)


def logits(model, x):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(x[i:i + 500])) for i in range(0, len(x), 500)]).numpy()


def export(model, name, opset, **kwargs):
    model.eval()
    path = ROOT / "models" / f"{name}.onnx"
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), str(path), opset_version=opset,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, **kwargs)
    return path


def main():
    (ROOT / "models").mkdir(exist_ok=True)
    (ROOT / "data").mkdir(exist_ok=True)
    x_train, y_train = load("train")
    x_test, y_test = load("test")
    calib_idx = np.random.RandomState(1).choice(len(x_train), 500, replace=False)
    np.save(ROOT / "data" / "fashion-test-1000.npy", x_test[:1000])
    np.save(ROOT / "data" / "fashion-test-1000-labels.npy", y_test[:1000])
    np.save(ROOT / "data" / "fashion-calib-500.npy", x_train[calib_idx])
    np.save(ROOT / "data" / "fashion-calib-500-labels.npy", y_train[calib_idx])

    accuracy = {}

    def record(name, model):
        out = logits(model, x_test)
        np.save(ROOT / "models" / f"{name}.expected.npy", out[:1000])
        accuracy[name] = {"test_10000": float((out.argmax(1) == y_test).mean()),
                          "test_slice_1000": float((out[:1000].argmax(1) == y_test[:1000]).mean())}
        print(f"{name}: {accuracy[name]}", flush=True)

    print("MLP", flush=True)
    mlp = Mlp()
    train(mlp, x_train, y_train, epochs=6, lr=1e-3)
    record("fashion-mlp", mlp)
    export(mlp, "fashion-mlp", 13)

    print("CNN", flush=True)
    cnn = Cnn()
    train(cnn, x_train, y_train, epochs=4, lr=1e-3)
    record("fashion-cnn", cnn)
    # PRESERVE keeps BatchNormalization as its own node (EVAL would fold it into the Conv).
    export(cnn, "fashion-cnn", 13, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)

    print("Transformer", flush=True)
    tf = Transformer()
    train(tf, x_train, y_train, epochs=6, lr=2e-3)
    record("fashion-transformer", tf)
    export(tf, "fashion-transformer", 14)

    print("CNN QAT", flush=True)
    qat = Cnn()
    qat.load_state_dict(cnn.state_dict())
    qat.eval()
    torch.ao.quantization.fuse_modules(qat, [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"],
                                             ["fc1", "relu3"]], inplace=True)
    # Plain FakeQuantize modules (the default fused observer has no ONNX export), full 8-bit ranges that
    # QuantizeLinear expresses exactly: u8 asymmetric activations, per-channel symmetric int8 weights.
    from torch.ao.quantization import (FakeQuantize, MovingAverageMinMaxObserver,
                                       MovingAveragePerChannelMinMaxObserver, QConfig)
    qat.qconfig = QConfig(
        activation=FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                                          dtype=torch.quint8, qscheme=torch.per_tensor_affine),
        weight=FakeQuantize.with_args(observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128,
                                      quant_max=127, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                      ch_axis=0))
    qat.train()
    torch.ao.quantization.prepare_qat(qat, inplace=True)
    train(qat, x_train, y_train, epochs=1, lr=1e-4)
    qat.apply(torch.ao.quantization.disable_observer)
    qat.apply(torch.nn.intrinsic.qat.freeze_bn_stats)
    record("fashion-cnn-qat", qat)
    export(qat, "fashion-cnn-qat", 13)

    with open(ROOT / "models" / "accuracy.json", "w") as f:
        json.dump(accuracy, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
