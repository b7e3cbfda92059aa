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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Attention's per-head products as exporters write them: a float MatMul of [N, H, M, K] by [N, H, K, P] whose
 * operands come from, or whose result goes to, a Transpose swapping the two middle axes ([N, M, H, K] <-> [N, H, M,
 * K]: the heads split out of, or merged back into, the model dimension). The group is one {@code gemmF32Heads} call
 * that reads and writes through those layouts with the GEMM's leading dimensions and per-head offsets, so the
 * transposed copies are never made. The products are the same, so the results are bit-identical.
 */
final class HeadMatMulFusion implements Fusion {
    private final Node matMul;
    private final Node transposeA;
    private final Node transposeB;
    private final Node transposeOut;
    private final List<Node> nodes;

    private HeadMatMulFusion(Node matMul, Node transposeA, Node transposeB, Node transposeOut, List<Node> nodes) {
        this.matMul = matMul;
        this.transposeA = transposeA;
        this.transposeB = transposeB;
        this.transposeOut = transposeOut;
        this.nodes = List.copyOf(nodes);
    }

    /** Every float rank-4 MatMul with at least one such Transpose next to it (used by it alone). */
    static List<Fusion> find(Graph g, Predicate<Value> constants) {
        Map<Value, Node> producers = g.producers();
        Map<Value, Node> onlyUser = Fusion.onlyUsers(g);
        Map<Node, Integer> order = new HashMap<>();
        for (Node n : g.nodes()) {
            order.put(n, order.size());
        }
        List<Fusion> found = new ArrayList<>();
        for (Node mm : g.nodes()) {
            if (!mm.op().equals("MatMul") || mm.inputs().size() != 2 || !rank4Float(mm.output(0))
                    || !rank4Float(mm.input(0)) || !rank4Float(mm.input(1)) || constants.test(mm.input(0))
                    || constants.test(mm.input(1)) || !sameBatch(mm.input(0), mm.input(1), mm.output(0))) {
                continue;
            }
            Node ta = swapFeeding(mm, 0, producers, onlyUser);
            Node tb = swapFeeding(mm, 1, producers, onlyUser);
            Node out = onlyUser.get(mm.output(0));
            Node tc = out != null && isSwap(out) ? out : null;
            if (ta == null && tb == null && tc == null) {
                continue;
            }
            List<Node> group = new ArrayList<>();
            for (Node n : new Node[] {ta, tb, mm, tc}) {
                if (n != null) {
                    group.add(n);
                }
            }
            group.sort(Comparator.comparingInt(order::get));
            found.add(new HeadMatMulFusion(mm, ta, tb, tc, group));
        }
        return found;
    }

    /** The Transpose of the middle axes that produces operand {@code i} of {@code mm} for it alone, or null. */
    private static Node swapFeeding(Node mm, int i, Map<Value, Node> producers, Map<Value, Node> onlyUser) {
        Node t = producers.get(mm.input(i));
        return t != null && isSwap(t) && onlyUser.get(mm.input(i)) == mm && rank4Float(t.input(0)) ? t : null;
    }

    private static boolean isSwap(Node t) {
        long[] perm = t.attributes().getInts("perm");
        return t.op().equals("Transpose") && perm != null && perm.length == 4 && perm[0] == 0 && perm[1] == 2
                && perm[2] == 1 && perm[3] == 3 && t.output(0).type().shape().dims().stream().skip(1)
                .allMatch(Dim::isFixed);
    }

    private static boolean rank4Float(Value v) {
        return v != null && v.type().elementType() == ElementType.F32 && v.type().shape().dims().size() == 4;
    }

    /** Both operands and the result share the batch and head dimensions (no broadcasting). */
    private static boolean sameBatch(Value a, Value b, Value c) {
        List<Dim> ad = a.type().shape().dims();
        List<Dim> bd = b.type().shape().dims();
        List<Dim> cd = c.type().shape().dims();
        return ad.get(0).equals(bd.get(0)) && ad.get(0).equals(cd.get(0)) && ad.get(1).equals(bd.get(1))
                && ad.get(1).equals(cd.get(1)) && ad.get(1).isFixed() && ad.get(2).isFixed()
                && ad.get(3).isFixed() && bd.get(3).isFixed();
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    @Override
    public void lower(LoweringContext cx) {
        IntExpr[] ad = cx.dims(matMul.input(0));
        IntExpr[] bd = cx.dims(matMul.input(1));
        int heads = cx.fixed(ad[1], "heads");
        int m = cx.fixed(ad[2], "M");
        int k = cx.fixed(ad[3], "K");
        int n = cx.fixed(bd[3], "N");
        // Per batch index each operand spans heads * rows * columns either way; a transposed layout puts a head's
        // rows `heads` row-lengths apart (the leading dimension) and heads one row-length apart.
        Buffer a = cx.in(transposeA != null ? transposeA.input(0) : matMul.input(0));
        Buffer b = cx.in(transposeB != null ? transposeB.input(0) : matMul.input(1));
        Buffer c = cx.out(transposeOut != null ? transposeOut.output(0) : matMul.output(0));
        List<Object> args = new ArrayList<>(List.of(a));
        args.addAll(layout(transposeA, heads, m, k));
        args.add(b);
        args.addAll(layout(transposeB, heads, k, n));
        args.add(c);
        args.addAll(layout(transposeOut, heads, m, n));
        args.addAll(List.of(ad[0], IntExpr.of(heads), IntExpr.of(m), IntExpr.of(n), IntExpr.of(k),
                LinearLowering.panel(cx)));
        cx.call("gemmF32Heads", args.toArray());
    }

    /** (leading dimension, batch stride, head stride) of a [heads, rows, cols] block, stored transposed or not. */
    private static List<Object> layout(Node transpose, int heads, int rows, int cols) {
        boolean swapped = transpose != null;
        return List.of(IntExpr.of(swapped ? (long) heads * cols : cols), IntExpr.of((long) heads * rows * cols),
                IntExpr.of(swapped ? cols : (long) rows * cols));
    }
}
