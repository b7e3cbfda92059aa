#!/usr/bin/python3
"""Makes testdata/models/fashion-transformer-outliers.onnx: the trained Fashion transformer with the activation
outliers that large language models show (a few hidden channels, after every LayerNorm, tens of times larger
than the rest), injected without changing the function: for channels C of each LayerNorm feeding a MatMul, the
LayerNorm's gamma and beta are multiplied by K and the matching input rows of the MatMul's weight divided by K.
In float the outputs are unchanged (up to rounding); per-tensor int8 activations lose the ordinary channels.

Run from the repository root: /usr/bin/python3 testdata/scripts/make_outlier_transformer.py
Needs Debian's python3-onnx and python3-numpy. Deterministic: the same input gives the same bytes.
"""
import numpy as np
import onnx
from onnx import numpy_helper

SOURCE = "testdata/models/fashion-transformer.onnx"
TARGET = "testdata/models/fashion-transformer-outliers.onnx"
CHANNELS = [5, 23, 41]   # hidden channels that become outliers
K = 60.0                 # how much larger they get

m = onnx.load(SOURCE)
g = m.graph
inits = {t.name: t for t in g.initializer}
producer = {o: n for n in g.node for o in n.output}
consumers = {}
for n in g.node:
    for i in n.input:
        consumers.setdefault(i, []).append(n)


def replace(name, array):
    t = inits[name]
    t.CopyFrom(numpy_helper.from_array(array.astype(np.float32), name))


changed = 0
for add in [n for n in g.node if n.op_type == "Add" and "/ln" in n.name and n.name.endswith("/Add_1")]:
    mul = producer[add.input[0]]
    gamma_name = [i for i in mul.input if i in inits][0]
    beta_name = [i for i in add.input if i in inits][0]
    users = [u for u in consumers[add.output[0]] if u.op_type == "MatMul"]
    if len(users) != 1:
        continue
    weight_name = [i for i in users[0].input if i in inits][0]
    gamma = numpy_helper.to_array(inits[gamma_name]).copy()
    beta = numpy_helper.to_array(inits[beta_name]).copy()
    w = numpy_helper.to_array(inits[weight_name]).copy()
    gamma[CHANNELS] *= K
    beta[CHANNELS] *= K
    w[CHANNELS, :] /= K
    replace(gamma_name, gamma)
    replace(beta_name, beta)
    replace(weight_name, w)
    changed += 1

assert changed == 4, changed
g.name = "fashion_transformer_outliers"
m.producer_name = "octet testdata/scripts/make_outlier_transformer.py"
onnx.checker.check_model(m)
onnx.save(m, TARGET)
print(f"wrote {TARGET}: outlier channels {CHANNELS} x{K} after {changed} LayerNorms")
