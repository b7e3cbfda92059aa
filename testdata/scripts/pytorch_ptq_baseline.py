#!/usr/bin/python3
"""PyTorch's own post-training static quantization (FX graph mode) of the test models, calibrated on the same
500-image slice Octet uses, evaluated on the full Fashion-MNIST test set: the baseline Octet's static int8 is
compared with (README, quantization section).

    /usr/bin/python3 testdata/scripts/pytorch_ptq_baseline.py

Rebuilds the float models from their ONNX files' weights (same architectures as make_fashion_models.py), checks
that they reproduce the recorded fp32 accuracy, then quantizes with every engine this PyTorch build supports
(Debian's 1.13 has qnnpack and onednn, not fbgemm).
Prints one line per model and engine: fp32 accuracy, int8 accuracy, delta, agreement with fp32.
"""
import pathlib
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
from torch.ao.quantization import get_default_qconfig_mapping
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import make_fashion_models as m  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
torch.set_num_threads(2)


def load_weights(model, onnx_path):
    """Copies initializers into the module by parameter name (PyTorch's exporter keeps them)."""
    inits = {i.name: torch.from_numpy(onnx.numpy_helper.to_array(i).copy())
             for i in onnx.load(str(onnx_path)).graph.initializer}
    state = model.state_dict()
    for name in state:
        if name in inits:
            state[name] = inits[name]
        elif not name.endswith("num_batches_tracked"):
            raise SystemExit(f"{onnx_path}: no initializer for {name}")
    model.load_state_dict(state)
    return model.eval()


def predict(model, x):
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(x[i:i + 500])) for i in range(0, len(x), 500)]).argmax(1).numpy()


def main():
    x_test, y_test = m.load("test")
    calib = np.load(ROOT / "data" / "fashion-calib-500.npy")
    for name, cls in (("fashion-mlp", m.Mlp), ("fashion-cnn", m.Cnn)):
        fp32 = load_weights(cls(), ROOT / "models" / f"{name}.onnx")
        p32 = predict(fp32, x_test)
        acc32 = (p32 == y_test).mean() * 100
        engines = [e for e in ("onednn", "x86", "fbgemm", "qnnpack") if e in torch.backends.quantized.supported_engines]
        for engine in engines:
            torch.backends.quantized.engine = engine
            example = (torch.from_numpy(calib[:1]),)
            prepared = prepare_fx(load_weights(cls(), ROOT / "models" / f"{name}.onnx"),
                                  get_default_qconfig_mapping(engine), example)
            with torch.no_grad():
                for i in range(0, len(calib), 100):
                    prepared(torch.from_numpy(calib[i:i + 100]))
            int8 = convert_fx(prepared)
            p8 = predict(int8, x_test)
            acc8 = (p8 == y_test).mean() * 100
            print(f"| {name} | PyTorch FX PTQ, {engine} | {acc32:.2f}% | {acc8:.2f}% | {acc8 - acc32:+.2f} | "
                  f"{(p8 == p32).mean() * 100:.2f}% |", flush=True)


if __name__ == "__main__":
    main()
