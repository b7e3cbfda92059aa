package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.Buffer;
import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.List;

/** Ops that only move data: views that alias (Reshape, Flatten, ...), Transpose, Split and Concat as copies. */
final class LayoutLowering {
    private LayoutLowering() {
    }

    static void view(Node node, LoweringContext cx) {
        cx.alias(node.output(0), node.input(0));
    }

    static void transpose(Node node, LoweringContext cx) {
        Value x = node.input(0);
        Value y = node.output(0);
        IntExpr[] xd = cx.dims(x);
        IntExpr[] yd = cx.dims(y);
        long[] perm = node.attributes().getInts("perm");
        IntExpr[] xs = StridedView.contiguousStrides(xd);
        IntExpr[] src = new IntExpr[yd.length];
        for (int i = 0; i < yd.length; i++) {
            src[i] = xs[perm == null ? yd.length - 1 - i : (int) perm[i]];
        }
        copy(cx, cx.in(x), cx.out(y), yd, src, StridedView.contiguousStrides(yd));
    }

    private static void copy(LoweringContext cx, Buffer from, Buffer to, IntExpr[] dims, IntExpr[] srcStrides,
            IntExpr[] dstStrides) {
        StridedView view = StridedView.collapse(dims, srcStrides, dstStrides);
        if (view == null) {
            throw cx.error("the copy needs more than four dimensions after collapsing");
        }
        List<Object> args = new ArrayList<>(List.of(from, to));
        args.addAll(view.args());
        cx.call("copyStrided", args.toArray());
    }

    /** [outer, len, inner] around {@code axis}. */
    private static IntExpr[] around(IntExpr[] d, int axis) {
        return new IntExpr[] {LoweringContext.product(d, 0, axis), d[axis], LoweringContext.product(d, axis + 1,
                d.length)};
    }

    static void split(Node node, LoweringContext cx) {
        Value x = node.input(0);
        IntExpr[] xd = cx.dims(x);
        int axis = x.type().shape().normalizeAxis(node.attributes().getInt("axis", 0));
        IntExpr[] v = around(xd, axis);
        Buffer src = cx.in(x);
        long start = 0;
        for (Value out : node.outputs()) {
            int len = cx.fixed(cx.dims(out)[axis], "split size");
            IntExpr[] dims = {v[0], IntExpr.of(len), v[2]};
            copy(cx, src.plus(v[2].times(start)), cx.out(out), dims, new IntExpr[] {v[1].times(v[2]), v[2],
                IntExpr.ONE}, StridedView.contiguousStrides(dims));
            start += len;
        }
    }

    static void concat(Node node, LoweringContext cx) {
        Value y = node.output(0);
        IntExpr[] yd = cx.dims(y);
        int axis = y.type().shape().normalizeAxis(node.attributes().getInt("axis", 0));
        IntExpr[] v = around(yd, axis);
        Buffer dst = cx.out(y);
        long start = 0;
        for (Value in : node.inputs()) {
            int len = cx.fixed(cx.dims(in)[axis], "concatenated size");
            IntExpr[] dims = {v[0], IntExpr.of(len), v[2]};
            copy(cx, cx.in(in), dst.plus(v[2].times(start)), dims, StridedView.contiguousStrides(dims),
                    new IntExpr[] {v[1].times(v[2]), v[2], IntExpr.ONE});
            start += len;
        }
    }
}
