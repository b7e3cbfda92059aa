package dev.octet.backends.jvm.lower;

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
 * A MatMulInteger whose int32 sums only an Add of a constant per-column bias reads (a statically quantized
 * fully-connected layer) becomes one gemmU8S8 call: the bias joins the zero-point correction the kernel subtracts
 * as the sums leave it, instead of a second pass over the result. Bit-identical: int32 addition wraps, so
 * sum - corr + bias = sum - (corr - bias).
 */
final class MatMulBiasFusion implements Fusion {
    private final Node matMul;
    private final Node add;
    private final Value bias;

    private MatMulBiasFusion(Node matMul, Node add, Value bias) {
        this.matMul = matMul;
        this.add = add;
        this.bias = bias;
    }

    /** Every occurrence of the pattern in {@code g}; their nodes are disjoint. */
    static List<Fusion> find(Graph g, Predicate<Value> constants) {
        Map<Value, Node> onlyUser = Fusion.onlyUsers(g);
        List<Fusion> found = new ArrayList<>();
        for (Node matMul : g.nodes()) {
            Value sums = matMul.output(0);
            if (!matMul.op().equals("MatMulInteger") || !isI32(sums)) {
                continue;
            }
            Node add = onlyUser.get(sums);
            if (add == null || !add.op().equals("Add") || add.inputs().size() != 2 || !isI32(add.output(0))
                    || !add.output(0).type().shape().equals(sums.type().shape())) {
                continue;
            }
            Value other = add.input(0) == sums ? add.input(1) : add.input(0);
            if (other != sums && constants.test(other) && perColumn(other, sums)) {
                found.add(new MatMulBiasFusion(matMul, add, other));
            }
        }
        return found;
    }

    /** A static int32 tensor of the last dimension's size that broadcasts along that dimension only. */
    private static boolean perColumn(Value bias, Value sums) {
        List<Dim> dims = sums.type().shape().dims();
        Dim last = dims.isEmpty() ? null : dims.get(dims.size() - 1);
        List<Dim> biasDims = bias.type().shape().dims();
        return isI32(bias) && last != null && last.isFixed() && bias.type().shape().isStatic()
                && !biasDims.isEmpty() && biasDims.get(biasDims.size() - 1).equals(last)
                && bias.type().shape().elementCount() == last.size();
    }

    private static boolean isI32(Value v) {
        return v != null && v.type().elementType() == ElementType.I32;
    }

    @Override
    public List<Node> nodes() {
        return List.of(matMul, add);
    }

    @Override
    public void lower(LoweringContext cx) {
        LinearLowering.matMulInteger(matMul, cx, bias, add.output(0));
    }
}
