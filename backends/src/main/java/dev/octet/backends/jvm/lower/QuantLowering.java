package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.Arena;
import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.ir.ElementType;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.util.List;

/**
 * QuantizeLinear, DequantizeLinear, Requantize and DynamicQuantizeRows. Per-axis parameters become a
 * [outer, channels, inner] view; scales, zero points, multipliers and shifts go to the weights.
 */
final class QuantLowering {
    private QuantLowering() {
    }

    /** outer, channels, inner of {@code v} for {@code channels} parameters along {@code axis}. */
    private static IntExpr[] channelView(LoweringContext cx, Value v, long axis, int channels) {
        IntExpr[] d = cx.dims(v);
        if (channels == 1) {
            return new IntExpr[] {IntExpr.ONE, IntExpr.ONE, cx.count(v)};
        }
        int a = (int) (axis < 0 ? axis + d.length : axis);
        if (a < 0 || a >= d.length || !d[a].equals(IntExpr.of(channels))) {
            throw cx.error(channels + " quantization parameters do not match axis " + axis + " of "
                    + v.type().shape());
        }
        return new IntExpr[] {LoweringContext.product(d, 0, a), d[a], LoweringContext.product(d, a + 1, d.length)};
    }

    private static int[] zeroPoints(LoweringContext cx, Node node, int index, int channels) {
        int[] zp = new int[channels];
        if (node.inputs().size() > index && node.input(index) != null) {
            Tensor t = cx.constant(node.input(index));
            for (int c = 0; c < channels; c++) {
                zp[c] = (int) t.getLong(t.size() == 1 ? 0 : c);
            }
        }
        return zp;
    }

    static void quantize(Node node, LoweringContext cx) {
        Value x = node.input(0);
        Value y = node.output(0);
        if (x.type().elementType() != ElementType.F32) {
            throw cx.error("input must be f32");
        }
        ElementType to = y.type().elementType();
        Tensor scale = cx.constant(node.input(1));
        int channels = scale.size();
        IntExpr[] v = channelView(cx, x, node.attributes().getInt("axis", 1), channels);
        int[] zp = zeroPoints(cx, node, 2, channels);
        cx.call("quantizeF32", cx.in(x), cx.out(y), v[0], v[1], v[2], cx.in(node.input(1)),
                cx.weight(List.of(node, "zp"), zp), (int) to.minValue(), (int) to.maxValue());
    }

    static void dequantize(Node node, LoweringContext cx) {
        Value x = node.input(0);
        Value y = node.output(0);
        ElementType from = x.type().elementType();
        if (from != ElementType.U8 && from != ElementType.I8 && from != ElementType.I32) {
            throw cx.error("input must be u8, i8 or i32, got " + from);
        }
        Tensor scale = cx.constant(node.input(1));
        int channels = scale.size();
        IntExpr[] v = channelView(cx, x, node.attributes().getInt("axis", 1), channels);
        cx.call("dequantize", cx.in(x), from == ElementType.U8, cx.out(y), v[0], v[1], v[2], cx.in(node.input(1)),
                cx.weight(List.of(node, "zp"), zeroPoints(cx, node, 2, channels)));
    }

    static void requantize(Node node, LoweringContext cx) {
        Value x = node.input(0);
        Value y = node.output(0);
        long[] m = node.attributes().getInts("multiplier");
        long[] s = node.attributes().getInts("shift");
        IntExpr[] v = channelView(cx, x, node.attributes().getInt("axis", 1), m.length);
        ElementType to = y.type().elementType();
        int zp = (int) node.attributes().getInt("zero_point", 0);
        int lo = (int) node.attributes().getInt("clamp_min", to.minValue());
        int hi = (int) node.attributes().getInt("clamp_max", to.maxValue());
        cx.call("requantize", cx.in(x), cx.out(y), v[0], v[1], v[2], cx.weight(List.of(node, "m"), toInts(m)),
                cx.weight(List.of(node, "s"), toInts(s)), zp, lo, hi,
                cx.scratch(Arena.I32, IntExpr.of(ScalarKernels.REQUANTIZE_SCRATCH_INTS)));
    }

    private static int[] toInts(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.toIntExact(v[i]);
        }
        return r;
    }

    static void dynamicQuantizeRows(Node node, LoweringContext cx) {
        Value x = node.input(0);
        IntExpr[] d = cx.dims(x);
        int n = cx.fixed(d[d.length - 1], "row length");
        IntExpr rows = LoweringContext.product(d, 0, d.length - 1);
        cx.call("dynamicQuantizeRows", cx.in(x), cx.out(node.output(0)), cx.out(node.output(1)),
                cx.out(node.output(2)), rows, n);
    }
}
