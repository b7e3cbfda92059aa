#!/usr/bin/python3
"""Writes the inputs of the hand-written tiny models (testdata/models/mlp-tiny*.oir): 8 rows of 16 features,
deterministic, as float32 .npy. Run with Debian's python3 (numpy): /usr/bin/python3 make_tiny_inputs.py"""
import pathlib

import numpy as np

models = pathlib.Path(__file__).resolve().parent.parent / "models"
rng = np.random.default_rng(20261127)
features = rng.standard_normal((8, 16)).astype(np.float32)
np.save(models / "mlp-tiny.input.npy", features)
print("wrote", models / "mlp-tiny.input.npy", features.shape, features.dtype)

# Calibration samples of the smooth-quant pass test (frontend/src/test/passes/smooth-quant.oir): 16 rows of 4
# features whose channel 2 is an outlier, as LayerNorm inputs with such a channel give.
passes = pathlib.Path(__file__).resolve().parent.parent.parent / "frontend" / "src" / "test" / "passes"
passes.mkdir(parents=True, exist_ok=True)
calib = rng.standard_normal((16, 4)).astype(np.float32)
np.save(passes / "smooth-quant.calib.npy", calib)
print("wrote", passes / "smooth-quant.calib.npy", calib.shape, calib.dtype)
