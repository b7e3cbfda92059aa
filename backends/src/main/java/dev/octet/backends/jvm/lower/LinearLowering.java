package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.Arena;
import dev.octet.backends.jvm.Buffer;
import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.backends.jvm.kernels.Avx2Gemm;
import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.ir.ElementType;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.util.Arrays;
import java.util.List;

/**
 * Gemm, FusedGemm, MatMul and MatMulInteger as GEMM kernel calls. Constant weights are laid out at compile time
 * as the row-major [K, N] the kernels stream (transB and alpha applied); integer zero points become a per-column
 * correction computed from the weights.
 */
final class LinearLowering {
    private LinearLowering() {
    }

    static void gemm(Node node, LoweringContext cx) {
        if (node.attributes().getInt("transA", 0) != 0) {
            throw cx.error("transA = 1 is not supported");
        }
        boolean transB = node.attributes().getInt("transB", 0) != 0;
        float alpha = node.attributes().getFloat("alpha", 1f);
        float beta = node.attributes().getFloat("beta", 1f);
        Value a = node.input(0);
        Value y = node.output(0);
        IntExpr[] ad = cx.dims(a);
        IntExpr m = ad[0];
        int k = cx.fixed(ad[1], "K");
        int n = cx.fixed(cx.dims(y)[1], "N");
        Buffer b;
        if (cx.isConstant(node.input(1))) {
            float[] w = cx.constant(node.input(1)).floats();
            b = cx.weight(List.of(node.input(1), transB, alpha), packKxN(w, k, n, transB, alpha));
        } else if (!transB && alpha == 1f) {
            b = cx.in(node.input(1));
        } else {
            throw cx.error("a non-constant B needs transB = 0 and alpha = 1");
        }
        Buffer out = cx.out(y);
        if (cx.isConstant(node.input(1))) {
            cx.call("gemmF32Weights", cx.in(a), IntExpr.of(k), b, IntExpr.of(n), out, IntExpr.of(n), m,
                    IntExpr.of(n), IntExpr.of(k), panel(cx));
        } else {
            cx.call("gemmF32", cx.in(a), IntExpr.of(k), IntExpr.ZERO, b, IntExpr.of(n), IntExpr.ZERO, out,
                    IntExpr.of(n), IntExpr.ZERO, IntExpr.ONE, m, IntExpr.of(n), IntExpr.of(k), panel(cx));
        }
        Activation act = Activation.of(node.attributes(), cx);
        Buffer bias = null;
        if (node.inputs().size() > 2 && node.input(2) != null) {
            bias = cx.weight(List.of(node.input(2), beta, "bias"), columnBias(cx, node.input(2), n, beta));
        }
        if (bias != null || !act.isNone()) {
            cx.call("biasActivationF32", out, IntExpr.of(n), m, IntExpr.of(n), bias == null ? out : bias,
                    bias == null ? 0 : 1, act.code(), act.p0(), act.p1());
        }
    }

    /** The packed-panel scratch every float GEMM call takes. */
    static Buffer panel(LoweringContext cx) {
        return cx.scratch(Arena.F32, IntExpr.of(ScalarKernels.GEMM_SCRATCH_FLOATS));
    }

    /** Gemm's C as a per-column vector (scalar, [N] or [1, N]) times beta. */
    private static float[] columnBias(LoweringContext cx, Value c, int n, float beta) {
        Tensor t = cx.constant(c);
        float[] v = t.floats();
        if (v.length != 1 && v.length != n) {
            throw cx.error("bias C of shape " + t.shape() + " is not supported (scalar or [N])");
        }
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = beta * v[v.length == 1 ? 0 : j];
        }
        return out;
    }

    private static float[] packKxN(float[] w, int k, int n, boolean transposed, float alpha) {
        float[] out = new float[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                out[p * n + j] = alpha * (transposed ? w[j * k + p] : w[p * n + j]);
            }
        }
        return out;
    }

    static void matMul(Node node, LoweringContext cx) {
        Value a = node.input(0);
        Value b = node.input(1);
        Value y = node.output(0);
        IntExpr[] ad = cx.dims(a);
        IntExpr[] bd = cx.dims(b);
        IntExpr[] yd = cx.dims(y);
        if (ad.length < 2 || bd.length < 2) {
            throw cx.error("1-d MatMul operands are not supported");
        }
        int k = cx.fixed(ad[ad.length - 1], "K");
        IntExpr n = bd[bd.length - 1];
        IntExpr m = ad[ad.length - 2];
        Buffer out = cx.out(y);
        if (bd.length == 2) {
            // [.., M, K] x [K, N]: one GEMM over all rows of A.
            IntExpr rows = LoweringContext.product(ad, 0, ad.length - 1);
            if (cx.isConstant(b)) {
                cx.call("gemmF32Weights", cx.in(a), IntExpr.of(k), cx.in(b), n, out, n, rows, n, IntExpr.of(k),
                        panel(cx));
            } else {
                cx.call("gemmF32", cx.in(a), IntExpr.of(k), IntExpr.ZERO, cx.in(b), n, IntExpr.ZERO, out, n,
                        IntExpr.ZERO, IntExpr.ONE, rows, n, IntExpr.of(k), panel(cx));
            }
            return;
        }
        IntExpr count = LoweringContext.product(yd, 0, yd.length - 2);
        IntExpr aBatch = LoweringContext.product(ad, 0, ad.length - 2);
        IntExpr bBatch = LoweringContext.product(bd, 0, bd.length - 2);
        if ((!aBatch.equals(count) && !aBatch.equals(IntExpr.ONE))
                || (!bBatch.equals(count) && !bBatch.equals(IntExpr.ONE))) {
            throw cx.error("MatMul batch broadcasting of " + a.type().shape() + " and " + b.type().shape()
                    + " is not supported (equal batch dimensions, or one operand without)");
        }
        IntExpr as = aBatch.equals(IntExpr.ONE) ? IntExpr.ZERO : m.times(k);
        IntExpr bs = bBatch.equals(IntExpr.ONE) ? IntExpr.ZERO : n.times(k);
        cx.call("gemmF32", cx.in(a), IntExpr.of(k), as, cx.in(b), n, bs, out, n, m.times(n), count, m, n,
                IntExpr.of(k), panel(cx));
    }

    static void matMulInteger(Node node, LoweringContext cx) {
        matMulInteger(node, cx, null, node.output(0));
    }

    /**
     * As {@link #matMulInteger(Node, LoweringContext)}; with {@code bias} (constant int32, one value per column:
     * MatMulBiasFusion) the sums plus the bias into {@code y}: the bias joins the zero-point correction the kernel
     * subtracts (int32 addition wraps, so sum - corr + bias = sum - (corr - bias) exactly).
     */
    static void matMulInteger(Node node, LoweringContext cx, Value bias, Value y) {
        Value a = node.input(0);
        Value b = node.input(1);
        ElementType at = a.type().elementType();
        if (at != ElementType.U8 && at != ElementType.I8) {
            throw cx.error("A must be uint8 or int8, got " + at);
        }
        if (!cx.isConstant(b) || b.type().elementType() != ElementType.I8 || b.type().rank() != 2) {
            throw cx.error("B must be a constant int8 [K, N] matrix");
        }
        if (node.inputs().size() > 3 && node.input(3) != null && anyNonZero(cx.constant(node.input(3)))) {
            throw cx.error("a non-zero weight zero point is not supported (weights are symmetric)");
        }
        IntExpr[] ad = cx.dims(a);
        int k = cx.fixed(ad[ad.length - 1], "K");
        int n = cx.fixed(cx.dims(b)[1], "N");
        IntExpr rows = LoweringContext.product(ad, 0, ad.length - 1);
        Buffer out = cx.out(y);
        IntegerProduct p = IntegerProduct.of(node, cx, bias, rows, k, n);
        cx.call("gemmU8S8", cx.in(a), IntExpr.of(k), p.unsigned(), p.weights(), IntExpr.of(n), out, IntExpr.of(n),
                rows, IntExpr.of(n), IntExpr.of(k), p.narrow(), p.scratch(), p.ints(), p.corr(), p.correct());
    }

    /**
     * The operands of a gemmU8S8 call besides A and C: the weights padded by a row and a strip (the AVX2 kernels
     * may read them in place: Avx2Gemm.fitsInPlace), whether they are narrow ([-127, 127]), the float and int
     * scratch, and the per-column correction the kernel subtracts (with whether it does).
     */
    record IntegerProduct(boolean unsigned, Buffer weights, boolean narrow, Buffer scratch, Buffer ints, Buffer corr,
            boolean correct) {
        static IntegerProduct of(Node node, LoweringContext cx, Value bias, IntExpr rows, int k, int n) {
            Value b = node.input(1);
            boolean unsigned = node.input(0).type().elementType() == ElementType.U8;
            int kb = Math.min(k, 512);
            Buffer scratch = cx.scratch(Arena.F32, rows.times(kb).plus(rows.times(n)).plus(
                    IntExpr.of(ScalarKernels.GEMM_SCRATCH_FLOATS)));
            byte[] w = cx.constant(b).bytes();
            boolean narrow = true;
            for (byte v : w) {
                narrow &= v != Byte.MIN_VALUE;
            }
            Buffer weights = cx.weight(List.of(b, "padded"), Arrays.copyOf(w, w.length + n + Avx2Gemm.GEMV_COLUMNS));
            Buffer ints = cx.scratch(Arena.I32, IntExpr.of(n));
            // The kernel multiplies uint8 activations centered (a - 128): sum((a - za) w) = sum((a - 128) w)
            // - (za - 128) * colsum(w), the correction it subtracts.
            int shift = zeroPoint(cx, node, 2) - (unsigned ? 128 : 0);
            Buffer corr = ints;
            if (shift != 0 || bias != null) {
                int[] sums = new int[n];
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < n; j++) {
                        sums[j] += shift * w[p * n + j];
                    }
                }
                if (bias != null) {
                    Tensor biasValues = cx.constant(bias);
                    for (int j = 0; j < n; j++) {
                        sums[j] -= (int) biasValues.getLong(j);
                    }
                }
                corr = cx.weight(bias == null ? List.of(b, shift, "colsum") : List.of(b, shift, bias, "colsum-bias"),
                        sums);
            }
            return new IntegerProduct(unsigned, weights, narrow, scratch, ints, corr, shift != 0 || bias != null);
        }
    }

    /** A scalar zero-point operand (0 when absent); per-row zero points are not supported. */
    static int zeroPoint(LoweringContext cx, Node node, int index) {
        if (node.inputs().size() <= index || node.input(index) == null) {
            return 0;
        }
        Tensor t = cx.constant(node.input(index));
        if (t.size() != 1) {
            throw cx.error("zero point " + node.input(index).name() + " must be a scalar");
        }
        return (int) t.getLong(0);
    }

    static boolean anyNonZero(Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            if (t.getLong(i) != 0) {
                return true;
            }
        }
        return false;
    }
}
