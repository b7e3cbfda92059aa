package dev.octet.passes.fusion;

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
import java.util.List;

/**
 * {@code Add(MatMul(x, W), b)} with a 2-D x, a constant 2-D W and a constant bias of one row becomes
 * {@code Gemm(x, W, b)}. (Higher-rank MatMuls, as in transformers, stay: Gemm is 2-D.)
 */
public final class FuseMatMulAddPass implements Pass {
    public static final PassInfo INFO = new PassInfo("fuse-matmul-add", "Turn MatMul + bias Add into Gemm",
            "Replaces Add(MatMul(x, W), b) by Gemm(x, W, b) for 2-D x, constant W and constant bias b.",
            List.of(), options -> new FuseMatMulAddPass());

    static final RewritePattern PATTERN = new RewritePattern() {
        @Override
        public String name() {
            return "fuse-matmul-add";
        }

        @Override
        public boolean matchAndRewrite(Node add, PatternRewriter rw) {
            if (!add.op().equals("Add")) {
                return false;
            }
            for (int side = 0; side < 2; side++) {
                Node mm = rw.producer(add.input(side), "MatMul");
                Value bias = add.input(1 - side);
                Tensor b = rw.constant(bias);
                if (mm == null || b == null || !rw.hasOneUse(add.input(side))) {
                    continue;
                }
                Tensor w = rw.constant(mm.input(1));
                long n = add.output(0).type().shape().dims().getLast().isFixed()
                        ? add.output(0).type().shape().dims().getLast().size() : -1;
                boolean oneRow = b.size() == n && (b.shape().rank() == 1 || (b.shape().rank() == 2 && b.shape().size(0) == 1));
                if (w == null || w.shape().rank() != 2 || mm.input(0).type().rank() != 2 || !oneRow) {
                    continue;
                }
                Node gemm = new Node("Gemm", List.of(mm.input(0), mm.input(1), bias), add.outputs(),
                        dev.octet.ir.Attributes.EMPTY, mm.name(), mm.location());
                rw.replace(mm, List.of(gemm));
                rw.erase(add);
                return true;
            }
            return false;
        }
    };

    @Override
    public boolean run(Graph graph, PassContext context) {
        return GreedyPatternDriver.apply(graph, List.of(PATTERN), context);
    }
}
