package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.Buffer;
import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The float epilogue that dynamic quantization writes after each MatMulInteger,
 * <pre>
 *   y = bias + float(acc - rowZp * colSum) * rowScale * colScale
 * </pre>
 * as the ops Mul(i32), Sub(i32), Cast, Mul, Mul and optionally Identity* + Add(bias), becomes one kernel call:
 * one pass over the accumulator instead of five. The arithmetic and its order are the graph's (int32 wrap-around,
 * then three float roundings), so the result is bit-identical.
 */
final class DynamicDequantizeFusion implements Fusion {
    private final List<Node> nodes;
    private final Value acc;
    private final Value rowZp;
    private final Value colSum;
    private final Value rowScale;
    private final Value colScale;
    private final Value bias;
    private final Value result;
    private final int n;

    private DynamicDequantizeFusion(List<Node> nodes, Value acc, Value rowZp, Value colSum, Value rowScale,
            Value colScale, Value bias, Value result, int n) {
        this.nodes = List.copyOf(nodes);
        this.acc = acc;
        this.rowZp = rowZp;
        this.colSum = colSum;
        this.rowScale = rowScale;
        this.colScale = colScale;
        this.bias = bias;
        this.result = result;
        this.n = n;
    }

    /** Every occurrence of the pattern in {@code g}; their nodes are disjoint. */
    static List<Fusion> find(Graph g, Predicate<Value> constants) {
        Map<Value, Node> producers = g.producers();
        Map<Value, Node> onlyUser = Fusion.onlyUsers(g);
        List<Fusion> found = new ArrayList<>();
        for (Node sub : g.nodes()) {
            if (!sub.op().equals("Sub") || !isType(sub.output(0), ElementType.I32)) {
                continue;
            }
            Value acc = sub.input(0);
            int n = lastDim(acc);
            Node zpMul = onlyUser.get(sub.input(1)) == sub ? producers.get(sub.input(1)) : null;
            if (n <= 0 || zpMul == null || !zpMul.op().equals("Mul")) {
                continue;
            }
            Value colSum = rowVector(zpMul, constants, n);
            Value rowZp = colSum == null ? null : other(zpMul, colSum);
            Node cast = onlyUser.get(sub.output(0));
            if (rowZp == null || !perRow(rowZp, acc) || cast == null || !cast.op().equals("Cast")
                    || !isType(cast.output(0), ElementType.F32)) {
                continue;
            }
            Node rowMul = onlyUser.get(cast.output(0));
            Value rowScale = rowMul != null && rowMul.op().equals("Mul") ? other(rowMul, cast.output(0)) : null;
            if (rowScale == null || !perRow(rowScale, acc) || !isType(rowScale, ElementType.F32)) {
                continue;
            }
            Node colMul = onlyUser.get(rowMul.output(0));
            Value colScale = colMul != null && colMul.op().equals("Mul") ? rowVector(colMul, constants, n) : null;
            if (colScale == null || other(colMul, colScale) != rowMul.output(0)) {
                continue;
            }
            List<Node> chain = new ArrayList<>(List.of(zpMul, sub, cast, rowMul, colMul));
            Value result = colMul.output(0);
            Value bias = null;
            // Views between the scaling and a bias Add are absorbed only together with that Add.
            List<Node> views = new ArrayList<>();
            Value v = result;
            Node next = onlyUser.get(v);
            while (next != null && next.op().equals("Identity")) {
                views.add(next);
                v = next.output(0);
                next = onlyUser.get(v);
            }
            if (next != null && next.op().equals("Add") && isType(next.output(0), ElementType.F32)) {
                Value b = rowVector(next, constants, n);
                if (b != null && other(next, b) == v) {
                    chain.addAll(views);
                    chain.add(next);
                    bias = b;
                    result = next.output(0);
                }
            }
            found.add(new DynamicDequantizeFusion(chain, acc, rowZp, colSum, rowScale, colScale, bias, result, n));
        }
        return found;
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    Value acc() {
        return acc;
    }

    Value rowZp() {
        return rowZp;
    }

    Value rowScale() {
        return rowScale;
    }

    int columns() {
        return n;
    }

    @Override
    public void lower(LoweringContext cx) {
        IntExpr[] dims = cx.dims(acc);
        IntExpr rows = LoweringContext.product(dims, 0, dims.length - 1);
        Buffer scale = cx.in(colScale);
        cx.call("dequantizeRows", cx.in(acc), cx.in(rowZp), cx.in(colSum), cx.in(rowScale), scale,
                bias == null ? scale : cx.in(bias), bias != null, cx.out(result), rows, IntExpr.of(n));
    }

    /** The epilogue's per-column operands as dynamicMatMul takes them: colSum, colScale, bias (or colScale), hasBias. */
    List<Object> columnOperands(LoweringContext cx) {
        Buffer scale = cx.in(colScale);
        return List.of(cx.in(colSum), scale, bias == null ? scale : cx.in(bias), bias != null);
    }

    Value result() {
        return result;
    }

    private static boolean isType(Value v, ElementType t) {
        return v != null && v.type().elementType() == t;
    }

    /** The fixed size of the last dimension, or -1. */
    private static int lastDim(Value v) {
        List<Dim> dims = v.type().shape().dims();
        if (dims.isEmpty() || !dims.get(dims.size() - 1).isFixed()) {
            return -1;
        }
        return Math.toIntExact(dims.get(dims.size() - 1).size());
    }

    /** A constant operand of {@code node} that broadcasts along the last axis only: n values. */
    private static Value rowVector(Node node, Predicate<Value> constants, int n) {
        if (node.inputs().size() != 2) {
            return null;
        }
        for (Value v : node.inputs()) {
            List<Dim> dims = v.type().shape().dims();
            if (constants.test(v) && !dims.isEmpty() && dims.get(dims.size() - 1).isFixed()
                    && dims.get(dims.size() - 1).size() == n && v.type().shape().isStatic()
                    && v.type().shape().elementCount() == n) {
                return v;
            }
        }
        return null;
    }

    private static Value other(Node binary, Value one) {
        if (binary.inputs().size() != 2) {
            return null;
        }
        return binary.input(0) == one ? binary.input(1) : binary.input(1) == one ? binary.input(0) : null;
    }

    /** Whether {@code v} has {@code acc}'s shape with a last dimension of 1: one value per row. */
    private static boolean perRow(Value v, Value acc) {
        List<Dim> vd = v.type().shape().dims();
        List<Dim> ad = acc.type().shape().dims();
        if (vd.size() != ad.size()) {
            return false;
        }
        for (int i = 0; i < ad.size() - 1; i++) {
            if (!vd.get(i).equals(ad.get(i))) {
                return false;
            }
        }
        Dim last = vd.get(vd.size() - 1);
        return last.isFixed() && last.size() == 1;
    }
}
