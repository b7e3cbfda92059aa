package dev.octet.passes.quant;

import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.rewrite.GreedyPatternDriver;
import dev.octet.passes.rewrite.PatternRewriter;
import dev.octet.passes.rewrite.RewritePattern;
import java.util.List;

/**
 * Moves a max pool in front of the requantization (and per-channel int32 bias Add) that feeds it:
 * {@code MaxPool(Requantize(Add(acc, bias)))} becomes {@code Requantize(Add(MaxPool(acc), bias))}, so the Add and
 * the requantization run on the pooled tensor (a quarter of the elements for a 2x2 pool). Exact: per channel, the
 * bias Add and the requantization (positive multiplier; rounding, shift and clamp all monotone) are non-decreasing
 * functions, and the max of f(x) over a window is f of the window's max. The Add case also needs the int32 sum not
 * to wrap, which is proved from the producing ConvInteger/MatMulInteger's K and the bias; otherwise it is left
 * alone.
 */
public final class PoolBeforeRequantizePass implements Pass {
    public static final PassInfo INFO = new PassInfo("pool-before-requantize",
            "Max pool int32 accumulators before their requantization",
            "Rewrites MaxPool(Requantize(Add(acc, per-channel bias))) to Requantize(Add(MaxPool(acc), bias)): "
                    + "bit-exact, and the requantization runs on the pooled tensor.",
            List.of(), options -> new PoolBeforeRequantizePass());

    /** |x - x_zp| and |w - w_zp| of 8-bit operands are at most 255. */
    private static final long MAX_PRODUCT = 255L * 255L;

    static final RewritePattern PATTERN = new RewritePattern() {
        @Override
        public String name() {
            return "pool-before-requantize";
        }

        @Override
        public boolean matchAndRewrite(Node pool, PatternRewriter rw) {
            if (!(pool.op().equals("MaxPool") || pool.op().equals("GlobalMaxPool")) || pool.outputs().size() != 1
                    || pool.input(0).type().rank() < 3) {
                return false;
            }
            Node requant = rw.producer(pool.input(0), "Requantize");
            if (requant == null || !rw.hasOneUse(pool.input(0)) || !perChannelAlongAxis1(requant)) {
                return false;
            }
            Value acc = requant.input(0);
            Node add = rw.producer(acc, "Add");
            Value bias = null;
            if (add != null && rw.hasOneUse(acc)) {
                bias = channelBias(add, rw);
            }
            if (bias != null) {
                acc = add.input(0);
            }
            Shape pooled = pool.output(0).type().shape();
            Graph g = rw.graph();
            Value pooledAcc = new Value(g.freshName(acc.name() + "_pool"), TensorType.of(acc.type().elementType(),
                    pooled));
            Node newPool = new Node(pool.op(), List.of(acc), List.of(pooledAcc), pool.attributes(), pool.name(),
                    pool.location());
            Value requantIn = pooledAcc;
            Node newAdd = null;
            if (bias != null) {
                requantIn = new Value(g.freshName(add.output(0).name() + "_pool"), pooledAcc.type());
                newAdd = new Node("Add", List.of(pooledAcc, bias), List.of(requantIn), add.attributes(), add.name(),
                        add.location());
            }
            Node newRequant = new Node("Requantize", List.of(requantIn), List.of(pool.output(0)),
                    requant.attributes(), requant.name(), requant.location());
            rw.replace(pool, newAdd == null ? List.of(newPool, newRequant) : List.of(newPool, newAdd, newRequant));
            rw.erase(requant);
            if (bias != null) {
                rw.erase(add);
            }
            return true;
        }
    };

    /** A per-tensor requantization, or a per-channel one along axis 1 (the pool's channel axis). */
    private static boolean perChannelAlongAxis1(Node requant) {
        if (requant.attributes().getInts("multiplier").length == 1) {
            return true;
        }
        Shape s = requant.input(0).type().shape();
        return s.normalizeAxis(requant.attributes().getInt("axis", 1)) == 1;
    }

    /**
     * The constant bias of {@code Add(acc, bias)} when it varies along axis 1 only and the int32 sum provably does
     * not wrap, else null.
     */
    private static Value channelBias(Node add, PatternRewriter rw) {
        Value acc = add.input(0);
        Tensor bias = rw.constant(add.input(1));
        if (bias == null || bias.elementType() != acc.type().elementType()) {
            return null;
        }
        int rank = acc.type().rank();
        long[] dims = bias.shape().sizes();
        if (dims.length > rank) {
            return null;
        }
        for (int i = 0; i < dims.length; i++) {
            int axis = rank - dims.length + i;
            if (axis != 1 && dims[i] != 1) {
                return null;
            }
        }
        long maxBias = 0;
        for (long b : bias.toLongs()) {
            maxBias = Math.max(maxBias, Math.abs(b));
        }
        long k = reductionSize(rw.producer(acc));
        return k > 0 && k * MAX_PRODUCT + maxBias < Integer.MAX_VALUE ? add.input(1) : null;
    }

    /** K of the int8 product that defines an accumulator, or -1 if unknown. */
    private static long reductionSize(Node producer) {
        if (producer == null) {
            return -1;
        }
        Shape w = producer.input(1).type().shape();
        if (!w.isStatic()) {
            return -1;
        }
        return switch (producer.op()) {
            case "ConvInteger" -> w.elementCount() / w.size(0);
            case "MatMulInteger" -> w.rank() >= 2 ? w.size(w.rank() - 2) : w.size(0);
            default -> -1;
        };
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        return GreedyPatternDriver.apply(graph, List.of(PATTERN), context);
    }
}
