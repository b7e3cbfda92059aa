package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.Buffer;
import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.util.Arrays;
import java.util.List;

/** Softmax, LayerNormalization and the Reduce ops over contiguous axes. */
final class NormLowering {
    private NormLowering() {
    }

    static void softmax(Node node, LoweringContext cx) {
        Value x = node.input(0);
        IntExpr[] d = cx.dims(x);
        int axis = x.type().shape().normalizeAxis(node.attributes().getInt("axis", -1));
        if (axis != d.length - 1) {
            throw cx.error("Softmax over axis " + axis + " is not supported (the last axis only)");
        }
        int n = cx.fixed(d[axis], "softmax axis");
        cx.call("softmaxF32", cx.in(x), cx.out(node.output(0)), LoweringContext.product(d, 0, axis), n);
    }

    static void layerNorm(Node node, LoweringContext cx) {
        if (node.outputs().size() > 1) {
            throw cx.error("the Mean and InvStdDev results are not supported");
        }
        Value x = node.input(0);
        IntExpr[] d = cx.dims(x);
        int axis = x.type().shape().normalizeAxis(node.attributes().getInt("axis", -1));
        int n = cx.fixed(LoweringContext.product(d, axis, d.length), "normalized size");
        Buffer gamma = expanded(cx, node.input(1), n, "gamma");
        boolean hasBeta = node.inputs().size() > 2 && node.input(2) != null;
        Buffer beta = hasBeta ? expanded(cx, node.input(2), n, "beta") : gamma;
        cx.call("layerNormF32", cx.in(x), gamma, beta, hasBeta, cx.out(node.output(0)),
                LoweringContext.product(d, 0, axis), n, node.attributes().getFloat("epsilon", 1e-5f));
    }

    /** A constant scale or bias broadcast to the n normalized elements. */
    private static Buffer expanded(LoweringContext cx, Value v, int n, String what) {
        Tensor t = cx.constant(v);
        if (t.size() == n) {
            return cx.in(v);
        }
        if (t.size() != 1) {
            throw cx.error(what + " of shape " + t.shape() + " does not broadcast to " + n + " elements");
        }
        float[] f = new float[n];
        Arrays.fill(f, t.floats()[0]);
        return cx.weight(List.of(v, n), f);
    }

    static void reduce(Node node, LoweringContext cx) {
        Value x = node.input(0);
        IntExpr[] d = cx.dims(x);
        long[] axes = node.inputs().size() > 1 && node.input(1) != null ? cx.constant(node.input(1)).toLongs()
                : null;
        int first;
        int last;
        if (axes == null || axes.length == 0) {
            if (node.attributes().getInt("noop_with_empty_axes", 0) != 0) {
                cx.alias(node.output(0), x);
                return;
            }
            first = 0;
            last = d.length - 1;
        } else {
            int[] a = Arrays.stream(axes).mapToInt(ax -> x.type().shape().normalizeAxis(ax)).sorted().toArray();
            first = a[0];
            last = a[a.length - 1];
            if (last - first + 1 != a.length) {
                throw cx.error("reduction over non-contiguous axes " + Arrays.toString(axes) + " is not supported");
            }
        }
        int op = switch (node.op()) {
            case "ReduceSum" -> 0;
            case "ReduceMean" -> 1;
            case "ReduceMax" -> 2;
            default -> 3;
        };
        cx.call("reduceF32", cx.in(x), cx.out(node.output(0)), LoweringContext.product(d, 0, first),
                LoweringContext.product(d, first, last + 1), LoweringContext.product(d, last + 1, d.length), op);
    }
}
