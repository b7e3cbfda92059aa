package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A residual connection between quantized layers as static quantization leaves it (the skip path stays float):
 * <pre>
 *   d = DequantizeLinear(q); y = [Relu](Add(d, skip)); yq = QuantizeLinear(y)
 * </pre>
 * with per-tensor parameters and no broadcasting becomes one {@code residualAdd} call writing y (the next block's
 * skip) and yq (its convolution's input) in one pass, where four kernels passed over the tensor in float. The float
 * operations are the graph's, so the result is bit-identical. Other QuantizeLinear users of y stay apart, reading y.
 */
final class ResidualAddFusion implements Fusion {
    private final Node dequantize;
    private final Value skip;
    private final Value result;
    private final boolean relu;
    private final Node quantize;
    private final List<Node> nodes;

    private ResidualAddFusion(Node dequantize, Value skip, Value result, boolean relu, Node quantize,
            List<Node> nodes) {
        this.dequantize = dequantize;
        this.skip = skip;
        this.result = result;
        this.relu = relu;
        this.quantize = quantize;
        this.nodes = List.copyOf(nodes);
    }

    /** Every occurrence in {@code g}; y's other users must come after the group's QuantizeLinear. */
    static List<Fusion> find(Graph g, Predicate<Value> constants) {
        Map<Value, Node> producers = g.producers();
        Map<Value, Node> onlyUser = Fusion.onlyUsers(g);
        Map<Value, List<Node>> users = new HashMap<>();
        Map<Node, Integer> order = new HashMap<>();
        for (Node n : g.nodes()) {
            order.put(n, order.size());
            for (Value v : n.inputs()) {
                if (v != null) {
                    users.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
                }
            }
        }
        List<Fusion> found = new ArrayList<>();
        for (Node add : g.nodes()) {
            if (!add.op().equals("Add") || add.inputs().size() != 2 || !isFloat(add.output(0))) {
                continue;
            }
            Node dq = null;
            Value skip = null;
            for (int i = 0; i < 2 && dq == null; i++) {
                Node p = producers.get(add.input(i));
                if (p != null && p.op().equals("DequantizeLinear") && onlyUser.get(add.input(i)) == add
                        && perTensor(p, constants) && isBytes(p.input(0))) {
                    dq = p;
                    skip = add.input(1 - i);
                }
            }
            if (dq == null || !isFloat(skip) || !sameShape(skip, add.output(0))
                    || !sameShape(dq.output(0), add.output(0))) {
                continue;
            }
            List<Node> group = new ArrayList<>(List.of(dq, add));
            Value y = add.output(0);
            Node next = onlyUser.get(y);
            boolean relu = next != null && next.op().equals("Relu");
            if (relu) {
                group.add(next);
                y = next.output(0);
            }
            Node quantize = null;
            for (Node u : users.getOrDefault(y, List.of())) {
                if (u.op().equals("QuantizeLinear") && perTensor(u, constants) && isBytes(u.output(0))) {
                    quantize = u;
                    break;
                }
            }
            if (quantize == null) {
                continue;
            }
            int at = order.get(quantize);
            boolean laterUsers = true;
            for (Node u : users.getOrDefault(y, List.of())) {
                laterUsers &= u == quantize || order.get(u) > at;
            }
            if (!laterUsers) {
                continue;
            }
            group.add(quantize);
            found.add(new ResidualAddFusion(dq, skip, y, relu, quantize, group));
        }
        return found;
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    @Override
    public void lower(LoweringContext cx) {
        ElementType to = quantize.output(0).type().elementType();
        cx.call("residualAdd", cx.in(dequantize.input(0)), dequantize.input(0).type().elementType() == ElementType.U8,
                cx.in(dequantize.input(1)), cx.weight(List.of(dequantize, "zp"), new int[] {zeroPoint(cx, dequantize)}),
                cx.in(skip), relu, cx.out(result), cx.out(quantize.output(0)), cx.in(quantize.input(1)),
                cx.weight(List.of(quantize, "zp"), new int[] {zeroPoint(cx, quantize)}), (int) to.minValue(),
                (int) to.maxValue(), cx.count(result));
    }

    private static int zeroPoint(LoweringContext cx, Node node) {
        return node.inputs().size() > 2 && node.input(2) != null ? (int) cx.constant(node.input(2)).getLong(0) : 0;
    }

    /** A constant scalar scale and zero point (or none). */
    private static boolean perTensor(Node node, Predicate<Value> constants) {
        Value scale = node.inputs().size() > 1 ? node.input(1) : null;
        Value zp = node.inputs().size() > 2 ? node.input(2) : null;
        return scale != null && constants.test(scale) && scale.type().shape().isStatic()
                && scale.type().shape().elementCount() == 1
                && (zp == null || constants.test(zp) && zp.type().shape().isStatic()
                        && zp.type().shape().elementCount() == 1);
    }

    private static boolean isFloat(Value v) {
        return v != null && v.type().elementType() == ElementType.F32;
    }

    private static boolean isBytes(Value v) {
        ElementType t = v.type().elementType();
        return t == ElementType.U8 || t == ElementType.I8;
    }

    private static boolean sameShape(Value a, Value b) {
        return a.type().shape().equals(b.type().shape());
    }
}
