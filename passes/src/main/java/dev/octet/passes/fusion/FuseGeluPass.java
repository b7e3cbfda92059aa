package dev.octet.passes.fusion;

import dev.octet.ir.Attributes;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.rewrite.GreedyPatternDriver;
import dev.octet.passes.rewrite.PatternRewriter;
import dev.octet.passes.rewrite.RewritePattern;
import java.util.List;

/**
 * Recognizes exact GELU as exporters write it before opset 20 and replaces it by one Gelu node:
 *
 * <pre>
 *   d = Div(x, 1.4142135)   e = Erf(d)   a = Add(e, 1.0)   m = Mul(x, a)   y = Mul(m, 0.5)
 * </pre>
 *
 * (either operand order of Add and the Muls).
 */
public final class FuseGeluPass implements Pass {
    public static final PassInfo INFO = new PassInfo("fuse-gelu", "Recognize decomposed GELU",
            "Replaces the Div/Erf/Add/Mul/Mul chain of an exported exact GELU by a single Gelu.",
            List.of(), options -> new FuseGeluPass());

    private static final double SQRT2 = Math.sqrt(2);

    static final RewritePattern PATTERN = new RewritePattern() {
        @Override
        public String name() {
            return "fuse-gelu";
        }

        @Override
        public boolean matchAndRewrite(Node root, PatternRewriter rw) {
            if (!root.op().equals("Mul")) {
                return false;
            }
            for (int side = 0; side < 2; side++) {
                if (!rw.isScalar(root.input(1 - side), 0.5, 1e-7)) {
                    continue;
                }
                Node inner = rw.producer(root.input(side), "Mul");
                if (inner == null || !rw.hasOneUse(inner.output(0))) {
                    continue;
                }
                for (int k = 0; k < 2; k++) {
                    Value x = inner.input(k);
                    Node add = rw.producer(inner.input(1 - k), "Add");
                    Node erf = add == null ? null : erfOf(add, rw);
                    Node div = erf == null ? null : rw.producer(erf.input(0), "Div");
                    if (div != null && div.input(0) == x && rw.isScalar(div.input(1), SQRT2, 1e-6)
                            && rw.hasOneUse(add.output(0)) && rw.hasOneUse(erf.output(0))
                            && rw.hasOneUse(div.output(0))) {
                        Node gelu = new Node("Gelu", List.of(x), root.outputs(), Attributes.EMPTY, root.name(),
                                root.location());
                        rw.replace(root, List.of(gelu));
                        rw.erase(inner);
                        rw.erase(add);
                        rw.erase(erf);
                        rw.erase(div);
                        return true;
                    }
                }
            }
            return false;
        }

        /** The Erf that {@code add} adds 1.0 to, or null. */
        private Node erfOf(Node add, PatternRewriter rw) {
            for (int j = 0; j < 2; j++) {
                Node erf = rw.producer(add.input(j), "Erf");
                if (erf != null && rw.isScalar(add.input(1 - j), 1.0, 1e-7)) {
                    return erf;
                }
            }
            return null;
        }
    };

    @Override
    public boolean run(Graph graph, PassContext context) {
        return GreedyPatternDriver.apply(graph, List.of(PATTERN), context);
    }
}
