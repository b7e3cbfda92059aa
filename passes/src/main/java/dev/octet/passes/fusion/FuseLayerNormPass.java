package dev.octet.passes.fusion;

import dev.octet.ir.Attributes;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.rewrite.GreedyPatternDriver;
import dev.octet.passes.rewrite.PatternRewriter;
import dev.octet.passes.rewrite.RewritePattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Recognizes LayerNorm over the last axis as exporters write it before opset 17 and replaces it by one
 * LayerNormalization:
 *
 * <pre>
 *   mean = ReduceMean(x, [-1])     d = Sub(x, mean)        var = ReduceMean(Pow(d, 2.0), [-1])
 *   n = Div(d, Sqrt(Add(var, eps)))                        y = Add(Mul(n, gamma), beta)
 * </pre>
 *
 * Every intermediate must have no user outside the pattern; gamma and beta must be constants of the normalized
 * size. Add and Mul match in either operand order.
 */
public final class FuseLayerNormPass implements Pass {
    public static final PassInfo INFO = new PassInfo("fuse-layernorm", "Recognize decomposed LayerNorm",
            "Replaces the ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add chain by a LayerNormalization.",
            List.of(), options -> new FuseLayerNormPass());

    static final RewritePattern PATTERN = new RewritePattern() {
        @Override
        public String name() {
            return "fuse-layernorm";
        }

        @Override
        public boolean matchAndRewrite(Node root, PatternRewriter rw) {
            if (!root.op().equals("Add")) {
                return false;
            }
            for (int side = 0; side < 2; side++) {
                Node mul = single(rw, root.input(side), "Mul");
                Value beta = root.input(1 - side);
                if (mul == null || rw.constant(beta) == null) {
                    continue;
                }
                for (int k = 0; k < 2; k++) {
                    List<Node> matched = new ArrayList<>(List.of(mul));
                    Value gamma = mul.input(1 - k);
                    Node div = single(rw, mul.input(k), "Div");
                    if (div == null || rw.constant(gamma) == null) {
                        continue;
                    }
                    Value x = normalizedInput(rw, div, matched);
                    Double eps = x == null ? null : epsilon(rw, matched);
                    long size = x == null ? -1 : lastDim(x);
                    if (eps != null && size > 0 && oneRow(rw.constant(gamma), size) && oneRow(rw.constant(beta), size)) {
                        Node ln = new Node("LayerNormalization", List.of(x, gamma, beta), root.outputs(),
                                Attributes.builder().put("axis", -1L).put("epsilon", eps.floatValue()).build(),
                                root.name(), root.location());
                        rw.replace(root, List.of(ln));
                        matched.forEach(rw::erase);
                        return true;
                    }
                }
            }
            return false;
        }
    };

    /** The node defining {@code v} if it has op {@code op} and {@code v} has no other user. */
    private static Node single(PatternRewriter rw, Value v, String op) {
        Node n = rw.producer(v, op);
        return n != null && rw.hasOneUse(v) ? n : null;
    }

    /**
     * From {@code Div(d, Sqrt(Add(var, eps)))} back to x; adds the matched nodes in the order found (Div, Sqrt,
     * Add, ReduceMean, Pow, Sub, ReduceMean). Returns null if the chain does not match.
     */
    private static Value normalizedInput(PatternRewriter rw, Node div, List<Node> matched) {
        Value d = div.input(0);
        Node sqrt = single(rw, div.input(1), "Sqrt");
        Node addEps = sqrt == null ? null : single(rw, sqrt.input(0), "Add");
        if (addEps == null) {
            return null;
        }
        int varSide = rw.scalar(addEps.input(1)) != null ? 0 : 1;
        Node var = single(rw, addEps.input(varSide), "ReduceMean");
        Node pow = var == null ? null : single(rw, var.input(0), "Pow");
        Node sub = rw.producer(d, "Sub");
        if (pow == null || pow.input(0) != d || !rw.isScalar(pow.input(1), 2.0, 0) || sub == null
                || rw.users(d).size() != 2 || rw.graph().outputs().contains(d)) {
            return null;
        }
        Value x = sub.input(0);
        Node mean = single(rw, sub.input(1), "ReduceMean");
        if (mean == null || mean.input(0) != x || !lastAxis(rw, mean, x) || !lastAxis(rw, var, x)) {
            return null;
        }
        matched.addAll(List.of(div, sqrt, addEps, var, pow, sub, mean));
        return x;
    }

    /** The epsilon of the matched Add (the third node matched). */
    private static Double epsilon(PatternRewriter rw, List<Node> matched) {
        Node addEps = matched.get(3);
        Double e = rw.scalar(addEps.input(1));
        return e != null ? e : rw.scalar(addEps.input(0));
    }

    /** Whether a ReduceMean keeps dims and reduces exactly the last axis of x. */
    private static boolean lastAxis(PatternRewriter rw, Node reduce, Value x) {
        Tensor axes = rw.constant(reduce.input(1));
        int rank = x.type().rank();
        return reduce.attributes().getInt("keepdims", 1) == 1 && axes != null && axes.size() == 1
                && (axes.getLong(0) == -1 || axes.getLong(0) == rank - 1);
    }

    private static long lastDim(Value x) {
        var dims = x.type().shape().dims();
        return dims.isEmpty() || !dims.getLast().isFixed() ? -1 : dims.getLast().size();
    }

    private static boolean oneRow(Tensor t, long size) {
        return t != null && t.size() == size && t.shape().rank() == 1;
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        return GreedyPatternDriver.apply(graph, List.of(PATTERN), context);
    }
}
