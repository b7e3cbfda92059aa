package dev.octet.backends.jvm.kernels;

import dev.octet.ir.ops.ActivationMath;
import dev.octet.ir.ops.FixedPoint;

/**
 * Activations and unary functions on one float, in double precision where the reference evaluator computes in
 * double. A template like {@link ScalarKernels}: copied into both the model class and the SIMD class, whose
 * vector loops fall back to it for the functions they do not vectorize.
 */
public final class ScalarMath {
    private ScalarMath() {
    }

    /** QuantizeLinear of one value: saturate(rint(x / scale) + zp) into [lo, hi]; NaN gives the zero point. */
    public static byte quantize(float x, float scale, int zp, int lo, int hi) {
        float v = x / scale;
        long r = v != v ? 0 : (long) Math.rint(v);
        return (byte) Math.max(lo, Math.min(hi, r + zp));
    }

    /**
     * Elements [from, n) of {@link ScalarKernels#residualAdd}: y = act(float(q - qz) * qs + skip), yq =
     * quantize(y).
     */
    public static void residualAdd(byte[] q, int qo, boolean unsigned, float qs, int qz, float[] skip, int so,
            boolean relu, float[] y, int yo, byte[] yq, int yqo, float ys, int yz, int lo, int hi, int from, int n) {
        for (int i = from; i < n; i++) {
            float v = (float) ((long) (unsigned ? q[qo + i] & 0xFF : q[qo + i]) - qz) * qs + skip[so + i];
            v = relu ? activate(v, ScalarKernels.ACT_RELU, 0f, 0f) : v;
            y[yo + i] = v;
            yq[yqo + i] = quantize(v, ys, yz, lo, hi);
        }
    }

    /** Requantize of one accumulator: clamp(zp + FixedPoint.scale(acc, m, s)) into [lo, hi]. */
    public static byte requantize(int acc, int m, int s, int zp, int lo, int hi) {
        return (byte) Math.max(lo, Math.min(hi, zp + FixedPoint.scale(acc, m, s)));
    }

    /** One element of a dynamic product's epilogue: float(acc - zp * colSum) * rowScale * colScale (+ bias). */
    public static float dequantizeRow(int acc, int zp, int colSum, float rowScale, float colScale, float bias,
            boolean hasBias) {
        float v = (float) (acc - zp * colSum) * rowScale * colScale;
        return hasBias ? bias + v : v;
    }

    public static float activate(float v, int act, float p0, float p1) {
        switch (act) {
            case ScalarKernels.ACT_NONE:
                return v;
            case ScalarKernels.ACT_RELU:
                return v > 0 ? v : (v != v ? v : 0f);
            case ScalarKernels.ACT_CLIP:
                return v != v ? v : Math.min(p1, Math.max(p0, v));
            case ScalarKernels.ACT_LEAKY_RELU:
                return v >= 0 ? v : v * p0;
            default:
                return unary(v, act);
        }
    }

    public static float unary(float v, int op) {
        double x = v;
        switch (op) {
            case ScalarKernels.UN_GELU:
                return (float) ActivationMath.gelu(x);
            case ScalarKernels.UN_GELU_TANH:
                return (float) ActivationMath.geluTanh(x);
            case ScalarKernels.UN_ERF:
                return (float) ActivationMath.erf(x);
            case ScalarKernels.UN_SQRT:
                return (float) Math.sqrt(x);
            case ScalarKernels.UN_EXP:
                return (float) Math.exp(x);
            case ScalarKernels.UN_LOG:
                return (float) Math.log(x);
            case ScalarKernels.UN_TANH:
                return (float) Math.tanh(x);
            case ScalarKernels.UN_SIGMOID:
                return (float) ActivationMath.sigmoid(x);
            case ScalarKernels.UN_NEG:
                return -v;
            case ScalarKernels.UN_ABS:
                return Math.abs(v);
            case ScalarKernels.UN_RECIPROCAL:
                return (float) (1 / x);
            default:
                throw new IllegalStateException("unary op " + op);
        }
    }

    /** y[i] = op(x[i]) for n floats; activations take p0, p1. */

    public static float binary(int op, float x, float y) {
        return switch (op) {
            case ScalarKernels.BIN_ADD -> x + y;
            case ScalarKernels.BIN_SUB -> x - y;
            case ScalarKernels.BIN_MUL -> x * y;
            case ScalarKernels.BIN_DIV -> x / y;
            case ScalarKernels.BIN_MAX -> Math.max(x, y);
            case ScalarKernels.BIN_MIN -> Math.min(x, y);
            default -> (float) Math.pow(x, y);
        };
    }

    public static int binary(int op, int x, int y) {
        return switch (op) {
            case ScalarKernels.BIN_ADD -> x + y;
            case ScalarKernels.BIN_SUB -> x - y;
            case ScalarKernels.BIN_MUL -> x * y;
            case ScalarKernels.BIN_DIV -> x / y;
            case ScalarKernels.BIN_MAX -> Math.max(x, y);
            default -> Math.min(x, y);
        };
    }
}
