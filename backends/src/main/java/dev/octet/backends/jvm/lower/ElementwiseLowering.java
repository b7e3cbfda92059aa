package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.ir.ElementType;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Broadcasting binary ops (float32 and int32), float unary ops and activations, and Cast. */
final class ElementwiseLowering {
    static final Map<String, Integer> BINARY = Map.of("Add", ScalarKernels.BIN_ADD, "Sub", ScalarKernels.BIN_SUB,
            "Mul", ScalarKernels.BIN_MUL, "Div", ScalarKernels.BIN_DIV, "Max", ScalarKernels.BIN_MAX, "Min",
            ScalarKernels.BIN_MIN, "Pow", ScalarKernels.BIN_POW);
    static final Map<String, Integer> UNARY = Map.ofEntries(Map.entry("Relu", ScalarKernels.ACT_RELU),
            Map.entry("Erf", ScalarKernels.UN_ERF), Map.entry("Sqrt", ScalarKernels.UN_SQRT),
            Map.entry("Exp", ScalarKernels.UN_EXP), Map.entry("Log", ScalarKernels.UN_LOG),
            Map.entry("Tanh", ScalarKernels.UN_TANH), Map.entry("Sigmoid", ScalarKernels.UN_SIGMOID),
            Map.entry("Neg", ScalarKernels.UN_NEG), Map.entry("Abs", ScalarKernels.UN_ABS),
            Map.entry("Reciprocal", ScalarKernels.UN_RECIPROCAL));

    private ElementwiseLowering() {
    }

    static void binary(Node node, LoweringContext cx) {
        if (node.inputs().size() != 2) {
            throw cx.error("only two operands are supported");
        }
        Value y = node.output(0);
        ElementType et = y.type().elementType();
        if (et != ElementType.F32 && et != ElementType.I32) {
            throw cx.error("element type " + et + " is not supported (f32, i32)");
        }
        if (et == ElementType.I32 && node.op().equals("Pow")) {
            throw cx.error("integer Pow is not supported");
        }
        IntExpr[] yd = cx.dims(y);
        StridedView view = StridedView.collapse(yd, broadcastStrides(cx, node.input(0), yd),
                broadcastStrides(cx, node.input(1), yd));
        if (view == null) {
            throw cx.error("broadcast of " + node.input(0).type().shape() + " and " + node.input(1).type().shape()
                    + " needs more than four dimensions");
        }
        List<Object> args = new ArrayList<>(List.of(BINARY.get(node.op()), cx.in(node.input(0)),
                cx.in(node.input(1)), cx.out(y)));
        args.addAll(view.args());
        cx.call("binary", args.toArray());
    }

    /** The operand's strides over the result's dimensions: 0 where it broadcasts. */
    private static IntExpr[] broadcastStrides(LoweringContext cx, Value v, IntExpr[] outDims) {
        IntExpr[] vd = cx.dims(v);
        IntExpr[] own = StridedView.contiguousStrides(vd);
        IntExpr[] s = new IntExpr[outDims.length];
        int shift = outDims.length - vd.length;
        for (int i = 0; i < outDims.length; i++) {
            int j = i - shift;
            boolean broadcast = j < 0 || (vd[j].equals(IntExpr.ONE) && !outDims[i].equals(IntExpr.ONE));
            s[i] = broadcast ? IntExpr.ZERO : own[j];
        }
        return s;
    }

    static void unary(Node node, LoweringContext cx) {
        int op;
        float p0 = 0;
        float p1 = 0;
        switch (node.op()) {
            case "LeakyRelu" -> {
                op = ScalarKernels.ACT_LEAKY_RELU;
                p0 = node.attributes().getFloat("alpha", 0.01f);
            }
            case "Clip" -> {
                op = ScalarKernels.ACT_CLIP;
                p0 = node.inputs().size() > 1 && node.input(1) != null
                        ? (float) cx.constant(node.input(1)).getDouble(0) : Float.NEGATIVE_INFINITY;
                p1 = node.inputs().size() > 2 && node.input(2) != null
                        ? (float) cx.constant(node.input(2)).getDouble(0) : Float.POSITIVE_INFINITY;
            }
            case "Gelu" -> op = node.attributes().getString("approximate", "none").equals("tanh")
                    ? ScalarKernels.UN_GELU_TANH : ScalarKernels.UN_GELU;
            default -> op = UNARY.get(node.op());
        }
        Value y = node.output(0);
        if (y.type().elementType() != ElementType.F32) {
            throw cx.error(node.op() + " on " + y.type().elementType() + " is not supported (f32)");
        }
        cx.call("unaryF32", cx.in(node.input(0)), cx.out(y), cx.count(y), op, p0, p1);
    }

    static void cast(Node node, LoweringContext cx) {
        ElementType from = node.input(0).type().elementType();
        ElementType to = node.output(0).type().elementType();
        if (from == to) {
            cx.alias(node.output(0), node.input(0));
        } else if (from == ElementType.I32 && to == ElementType.F32) {
            cx.call("castI32F32", cx.in(node.input(0)), cx.out(node.output(0)), cx.count(node.output(0)));
        } else {
            throw cx.error("Cast from " + from + " to " + to + " is not supported");
        }
    }
}
