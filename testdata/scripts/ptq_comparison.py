#!/usr/bin/python3
"""Octet's static int8 against PyTorch's FX post-training quantization, image by image, over several calibration
slices: the comparison behind the README's "Octet and PyTorch's PTQ" section (issue 4).

    /usr/bin/python3 testdata/scripts/ptq_comparison.py [--slices K] [--evaluate test|training] [--octet ./octet]

On 10,000 test images the accuracy delta of an int8 model against fp32 moves by +-0.04 points from one calibration
slice to the next, so one slice cannot rank quantizers whose deltas differ by less. This script
- calibrates both tools on K slices of 500 training images (slice 1 is the committed fashion-calib-500.npy:
  RandomState(1), as make_fashion_models.py draws it; slice s uses RandomState(s)),
- quantizes with Octet's default static int8 (minmax ranges, per-channel weights, bias correction) and without
  bias correction (`octet compile [--no-bias-correction]`, `octet run` on the jar), and with PyTorch FX PTQ
  in every engine this PyTorch has (its default qconfig mapping, as pytorch_ptq_baseline.py),
- prints per slice, model and tool: int8 accuracy, delta against fp32 overall and for the class that loses most,
  agreement with fp32, the images that changed class (fixed: wrong -> right, broken: right -> wrong), top-1 ties
  (int8 logits), then two ways to see where a delta comes from: the largest mean shift of one class logit (a
  systematic error that acts like a bias change; bias correction removes it) with the delta once it is
  subtracted, and the delta that independent Gaussian noise of the same rms size gives fp32's logits (50 draws),
- then means and standard deviations over slices and an exact McNemar test between Octet and each other tool on
  the pooled (slice, image) pairs.
It first prints fp32's near-ties on the evaluation set: where its first choice is right less often than its
second, any noise raises accuracy. The fp32 logits come from PyTorch (the reference evaluator reproduces them:
FashionModelsTest).
"""
import argparse
import math
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch.ao.quantization import get_default_qconfig_mapping
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import make_fashion_models as m  # noqa: E402
from pytorch_ptq_baseline import load_weights  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELS = (("fashion-mlp", m.Mlp), ("fashion-cnn", m.Cnn))
NOISE_DRAWS = 50


def calibration_slice(x_train, seed):
    return x_train[np.random.RandomState(seed).choice(len(x_train), 500, replace=False)]


def octet_logits(octet, model, calib, x_eval_file, work, bias_correction):
    """Octet's static int8 (minmax, per-channel weights) through the CLI: compile, then run the jar."""
    calib_file, jar, out = (work / n for n in ("calib.npy", "model.jar", "logits.npy"))
    np.save(calib_file, calib)
    flags = [] if bias_correction else ["--no-bias-correction"]
    for command in (["compile", str(model), "--calibration", str(calib_file), *flags, "-o", str(jar)],
                    ["run", str(jar), "--input", str(x_eval_file), "--output", str(out)]):
        subprocess.run([octet, command[0], "-q", *command[1:]], check=True, stdout=subprocess.DEVNULL)
    return np.load(out)


def pytorch_logits(cls, onnx_path, engine, calib, x_test):
    """PyTorch FX graph-mode PTQ with the engine's default qconfig mapping (as pytorch_ptq_baseline.py)."""
    torch.backends.quantized.engine = engine
    prepared = prepare_fx(load_weights(cls(), onnx_path), get_default_qconfig_mapping(engine),
                          (torch.from_numpy(calib[:1]),))
    with torch.no_grad():
        for i in range(0, len(calib), 100):
            prepared(torch.from_numpy(calib[i:i + 100]))
    return float_logits(convert_fx(prepared), x_test)


def float_logits(model, x):
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(x[i:i + 500])) for i in range(0, len(x), 500)]).numpy()


def mcnemar_exact(b, c):
    """Two-sided exact McNemar p-value: b and c are the discordant counts (only one of the two tools right)."""
    n, k = b + c, min(b, c)
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, 2 * tail)


class Outcome:
    """One int8 model's logits on the test set, measured against fp32's."""

    def __init__(self, logits, fp32, labels):
        self.pred = logits.argmax(1)
        self.right = self.pred == labels
        right32 = fp32.argmax(1) == labels
        self.delta = (self.right.mean() - right32.mean()) * 100
        self.agreement = (self.pred == fp32.argmax(1)).mean() * 100
        self.fixed, self.broken = int((self.right & ~right32).sum()), int((right32 & ~self.right).sum())
        # Per-class accuracy change: an overall gain can hide one class losing to its look-alikes.
        self.worst_class = min((self.right[labels == c].mean() - right32[labels == c].mean()) * 100
                               for c in np.unique(labels))
        self.ties = int(((logits == logits.max(1, keepdims=True)).sum(1) > 1).sum())
        # The systematic part of the error: each class logit's mean shift, which acts like a change of the last
        # layer's bias and moves decisions between often-confused classes. Bias correction removes it.
        shift = (logits - fp32).mean(0)
        self.class_shift = float(np.abs(shift).max())
        self.unshifted_delta = (((logits - shift).argmax(1) == labels).mean() - right32.mean()) * 100
        # What the same amount of error would do as independent noise: on a test set where fp32's near-ties go
        # the wrong way more often than not, any noise of this size raises accuracy (see near_ties).
        self.rms = float(np.sqrt(((logits - fp32) ** 2).mean()))
        rng = np.random.default_rng(0)
        self.noise_delta = np.mean([((fp32 + rng.normal(0, self.rms, fp32.shape)).argmax(1) == labels).mean()
                                    - right32.mean() for _ in range(NOISE_DRAWS)]) * 100


def near_ties(name, fp32, labels):
    """How often fp32's first and second choices are right among the images it nearly ties on."""
    order = np.argsort(-fp32, 1)
    rows = np.arange(len(fp32))
    margin = fp32[rows, order[:, 0]] - fp32[rows, order[:, 1]]
    for below in (0.05, 0.1, 0.2):
        near = margin < below
        print(f"| {name} | < {below} | {near.sum()} | {(order[near, 0] == labels[near]).sum()} | "
              f"{(order[near, 1] == labels[near]).sum()} |")


def mean_sd(values, digits, sign="+"):
    values = np.asarray(values, dtype=float)
    sd = values.std(ddof=1) if len(values) > 1 else 0.0
    return f"{values.mean():{sign}.{digits}f} +- {sd:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slices", type=int, default=10, help="calibration slices (seeds 1..K); default 10")
    parser.add_argument("--evaluate", choices=("test", "training"), default="test",
                        help="test: the 10,000 test images (default); training: the 60,000 training images less "
                             "every calibration slice's (about 55,000 for 10 slices)")
    parser.add_argument("--octet", default=str(ROOT.parent / "octet"), help="the octet launcher")
    args = parser.parse_args()

    x_train, y_train = m.load("train")
    seeds = range(1, args.slices + 1)
    if args.evaluate == "test":
        x_eval, y_eval = m.load("test")
    else:
        held_out = np.ones(len(x_train), bool)
        for seed in seeds:
            held_out[np.random.RandomState(seed).choice(len(x_train), 500, replace=False)] = False
        x_eval, y_eval = x_train[held_out], y_train[held_out]
    engines = [e for e in ("onednn", "x86", "fbgemm", "qnnpack") if e in torch.backends.quantized.supported_engines]
    tools = ["octet", "octet-no-bias-correction"] + [f"pytorch-{e}" for e in engines]

    fp32 = {}
    print(f"Evaluated on {len(x_eval):,} {args.evaluate} images. fp32's near-ties: images whose two largest logits "
          "differ by less than the margin, and how many of them its first and its second choice get right.")
    print()
    print("| model | margin | near-ties | first choice right | second choice right |")
    print("|---|---|---|---|---|")
    for name, cls in MODELS:
        fp32[name] = float_logits(load_weights(cls(), ROOT / "models" / f"{name}.onnx"), x_eval)
        near_ties(name, fp32[name], y_eval)
    print()
    print("| slice | model | tool | int8 | delta (points) | worst class | agreement | fixed | broken | tied top-1 | "
          "largest class-logit shift | delta without it | logit error (rms) | delta of fp32 + noise of that rms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    outcomes = {}  # (model, tool) -> one Outcome per slice
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        x_eval_file = work / "eval.npy"
        np.save(x_eval_file, x_eval)
        for seed in seeds:
            calib = calibration_slice(x_train, seed)
            for name, cls in MODELS:
                onnx_path = ROOT / "models" / f"{name}.onnx"
                for tool in tools:
                    if tool.startswith("octet"):
                        logits = octet_logits(args.octet, onnx_path, calib, x_eval_file, work, tool == "octet")
                    else:
                        logits = pytorch_logits(cls, onnx_path, tool.removeprefix("pytorch-"), calib, x_eval)
                    o = Outcome(logits, fp32[name], y_eval)
                    outcomes.setdefault((name, tool), []).append(o)
                    print(f"| {seed} | {name} | {tool} | {o.right.mean() * 100:.2f}% | {o.delta:+.2f} | {o.worst_class:+.2f} | "
                          f"{o.agreement:.2f}% | {o.fixed} | {o.broken} | {o.ties} | {o.class_shift:.3f} | "
                          f"{o.unshifted_delta:+.2f} | {o.rms:.4f} | {o.noise_delta:+.3f} |", flush=True)

    print()
    print(f"Over {args.slices} calibration slices, mean +- standard deviation. McNemar: Octet's default against the "
          "tool on the pooled (slice, image) pairs, b = only Octet right, c = only the tool right, exact two-sided p "
          "(the pairs repeat images across slices, so p is optimistic).")
    print()
    print("| model | tool | delta (points) | worst class | agreement | largest class-logit shift | delta without it | "
          "logit error (rms) | delta of fp32 + noise of that rms | McNemar b / c | p |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, _ in MODELS:
        ours = np.stack([o.right for o in outcomes[(name, "octet")]])
        for tool in tools:
            runs = outcomes[(name, tool)]
            right = np.stack([o.right for o in runs])
            b, c = int((ours & ~right).sum()), int((right & ~ours).sum())
            test = "- | -" if tool == "octet" else f"{b} / {c} | {mcnemar_exact(b, c):.3f}"
            print(f"| {name} | {tool} | {mean_sd([o.delta for o in runs], 3)} | "
                  f"{mean_sd([o.worst_class for o in runs], 2)} | "
                  f"{mean_sd([o.agreement for o in runs], 2, '')}% | {mean_sd([o.class_shift for o in runs], 3, '')} | "
                  f"{mean_sd([o.unshifted_delta for o in runs], 3)} | {mean_sd([o.rms for o in runs], 4, '')} | "
                  f"{mean_sd([o.noise_delta for o in runs], 3)} | {test} |")


if __name__ == "__main__":
    main()
