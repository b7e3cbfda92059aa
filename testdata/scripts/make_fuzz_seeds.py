#!/usr/bin/python3
"""Writes the seed corpora of the frontend fuzz tests (small, valid inputs that reach deep into each reader).

Run from the repository root: /usr/bin/python3 testdata/scripts/make_fuzz_seeds.py
Needs Debian's python3-onnx and python3-numpy. Crash reproducers that Jazzer adds to the same directories are
kept; this script only (re)writes the files named seed-*.
"""
import gzip
import io
import os
import struct

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BASE = "frontend/src/test/resources/dev/octet/frontend/fuzz"


def write(fuzzer, name, data):
    d = os.path.join(BASE, fuzzer + "Inputs", "reads")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def npy(a, fortran=False):
    buf = io.BytesIO()
    np.save(buf, np.asfortranarray(a) if fortran else a)
    return buf.getvalue()


def idx(a):
    header = struct.pack(">BBBB", 0, 0, 0x08, a.ndim) + b"".join(struct.pack(">I", d) for d in a.shape)
    return header + a.astype(np.uint8).tobytes()


def onnx_model(nodes, inputs, outputs, inits, opset=13):
    g = helper.make_graph(nodes, "seed", inputs, outputs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="octet-fuzz-seeds")
    return m.SerializeToString()


rng = np.random.default_rng(7)
write("NpyFormatFuzzTest", "f32.npy", npy(rng.standard_normal((2, 3)).astype(np.float32)))
write("NpyFormatFuzzTest", "i64.npy", npy(np.arange(5, dtype=np.int64)))
write("NpyFormatFuzzTest", "u8-fortran.npy", npy(np.arange(12, dtype=np.uint8).reshape(3, 4), fortran=True))
write("NpyFormatFuzzTest", "bool-scalar.npy", npy(np.array(True)))
write("NpyFormatFuzzTest", "f16-big-endian.npy", npy(np.arange(4, dtype=">f2")))

images = rng.integers(0, 256, (2, 4, 4))
write("IdxFormatFuzzTest", "images-idx3", idx(images))
write("IdxFormatFuzzTest", "labels-idx1", idx(np.array([3, 1, 4])))
write("IdxFormatFuzzTest", "images-idx3.gz", gzip.compress(idx(images), mtime=0))

f = TensorProto.FLOAT
x = helper.make_tensor_value_info("x", f, ["N", 4])
y = helper.make_tensor_value_info("y", f, ["N", 3])
w = numpy_helper.from_array(rng.standard_normal((4, 3)).astype(np.float32), "w")
b = numpy_helper.from_array(rng.standard_normal(3).astype(np.float32), "b")
write("OnnxReaderFuzzTest", "gemm-relu.onnx", onnx_model(
    [helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc"), helper.make_node("Relu", ["h"], ["y"])],
    [x], [y], [w, b]))

img = helper.make_tensor_value_info("img", f, ["N", 1, 6, 6])
out = helper.make_tensor_value_info("out", f, ["N", 8])
k = numpy_helper.from_array(rng.standard_normal((2, 1, 3, 3)).astype(np.float32), "k")
shape = numpy_helper.from_array(np.array([0, -1], dtype=np.int64), "shape")
write("OnnxReaderFuzzTest", "conv-pool-reshape.onnx", onnx_model(
    [helper.make_node("Conv", ["img", "k"], ["c"], pads=[1, 1, 1, 1]),
     helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[3, 3], strides=[3, 3]),
     helper.make_node("Reshape", ["p", "shape"], ["out"])],
    [img], [out], [k, shape]))

scale = numpy_helper.from_array(np.array(0.05, dtype=np.float32), "s")
zp = numpy_helper.from_array(np.array(3, dtype=np.uint8), "z")
qy = helper.make_tensor_value_info("qy", f, ["N", 4])
write("OnnxReaderFuzzTest", "qdq.onnx", onnx_model(
    [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
     helper.make_node("DequantizeLinear", ["q", "s", "z"], ["qy"])],
    [x], [qy], [scale, zp]))

axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")
sm = helper.make_tensor_value_info("sm", f, ["N", 4])
write("OnnxReaderFuzzTest", "softmax-opset11.onnx", onnx_model(
    [helper.make_node("Softmax", ["x"], ["sm"], axis=1)], [x], [sm], [], opset=11))
write("OnnxReaderFuzzTest", "reducemean-opset18.onnx", onnx_model(
    [helper.make_node("ReduceMean", ["x", "axes"], ["r"], keepdims=1),
     helper.make_node("Sub", ["x", "r"], ["sm"])], [x], [sm], [axes], opset=18))
