package dev.octet.passes.quant;

import dev.octet.ir.Attributes;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Quantization;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.ir.ops.OpRegistry;
import dev.octet.ir.ops.Requantization;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.rewrite.GreedyPatternDriver;
import dev.octet.passes.rewrite.PatternRewriter;
import dev.octet.passes.rewrite.RewritePattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Lowers a QDQ graph (from {@link InsertQdqPass} or a quantization-aware-trained export) to integer ops,
 * keeping every scale and zero point the graph states:
 *
 * <pre>
 *   Q(Conv(DQ(x_q), DQ(W_q), B), s_y, z_y)
 * becomes
 *   Requantize(Add(ConvInteger(x_q, W_q, z_x), B_i32)) {multiplier, shift = M(s_x * s_w[c] / s_y), zero_point z_y,
 *                                                      clamp = the fused activation}
 * </pre>
 *
 * (likewise Gemm and MatMul with MatMulInteger), int32 bias at scale s_x * s_w; a result that no Q consumes
 * (a graph output) is dequantized straight from the int32 accumulator. Two helper patterns let int8 flow: a
 * DequantizeLinear moves below ops that commute with it (MaxPool, Flatten, Reshape, ...), and Q(DQ(q)) with equal
 * parameters is q. Run fuse-activation first so that activations become clamps; run fold-constants first on
 * exported QAT models so that weight quantization is a constant.
 */
public final class LowerQdqPass implements Pass {
    public static final PassInfo INFO = new PassInfo("lower-qdq", "Lower QDQ patterns to integer ops",
            "Turns DequantizeLinear -> Conv/Gemm/MatMul -> QuantizeLinear into int8 x int8 -> int32 ops with int32 "
                    + "bias and fixed-point requantization.",
            List.of(), options -> new LowerQdqPass());

    @Override
    public boolean run(Graph graph, PassContext context) {
        return GreedyPatternDriver.apply(graph, List.of(PUSH_DQ_DOWN, FOLD_Q_DQ, LOWER_OP), context);
    }

    /** Per-tensor parameters a DQ node states by constant operands (zero point 0 if absent), or null. */
    static Quantization.PerTensor perTensor(Node dq, PatternRewriter rw) {
        if (dq == null || !dq.op().equals("DequantizeLinear") && !dq.op().equals("QuantizeLinear")) {
            return null;
        }
        Tensor s = rw.constant(dq.input(1));
        Tensor z = dq.input(2) == null ? null : rw.constant(dq.input(2));
        if (s == null || s.size() != 1 || (dq.input(2) != null && (z == null || z.size() != 1))) {
            return null;
        }
        return new Quantization.PerTensor(s.floats()[0], z == null ? 0 : z.getLong(0));
    }

    /** T(DQ(q)) -> DQ(T(q)) for ops that commute with dequantization. */
    static final RewritePattern PUSH_DQ_DOWN = new RewritePattern() {
        @Override
        public String name() {
            return "push-dq-down";
        }

        @Override
        public boolean matchAndRewrite(Node t, PatternRewriter rw) {
            if (!QuantTargets.TRANSPARENT.contains(t.op()) || t.outputs().size() != 1) {
                return false;
            }
            Node dq = rw.producer(t.input(0), "DequantizeLinear");
            Quantization.PerTensor q = perTensor(dq, rw);
            if (q == null) {
                return false;
            }
            List<Value> inputs = new ArrayList<>(t.inputs());
            inputs.set(0, dq.input(0));
            List<TensorType> types = new ArrayList<>();
            List<Tensor> values = new ArrayList<>();
            for (Value v : inputs) {
                types.add(v == null ? null : v.type());
                values.add(v == null ? null : rw.constant(v));
            }
            TensorType intType = OpRegistry.standard().find(t.op()).inferTypes(
                    new dev.octet.ir.ops.OpContext(types, values, t.attributes(), 1)).getFirst();
            Value moved = new Value(rw.graph().freshName(t.output(0).name() + "_q"), intType);
            Node intOp = new Node(t.op(), inputs, List.of(moved), t.attributes(), t.name(), t.location());
            Node newDq = Node.of("DequantizeLinear", List.of(moved, dq.input(1), dq.input(2)), t.outputs(),
                    Attributes.EMPTY);
            rw.replace(t, List.of(intOp, newDq));
            return true;
        }
    };

    /** Q(DQ(q)) with the same scale, zero point and type is q itself. */
    static final RewritePattern FOLD_Q_DQ = new RewritePattern() {
        @Override
        public String name() {
            return "fold-q-dq";
        }

        @Override
        public boolean matchAndRewrite(Node qn, PatternRewriter rw) {
            if (!qn.op().equals("QuantizeLinear") || rw.graph().outputs().contains(qn.output(0))) {
                return false;
            }
            Node dq = rw.producer(qn.input(0), "DequantizeLinear");
            Quantization.PerTensor a = perTensor(dq, rw);
            Quantization.PerTensor b = perTensor(qn, rw);
            if (a == null || !a.equals(b) || dq.input(0).type().elementType() != qn.output(0).type().elementType()) {
                return false;
            }
            rw.replaceAllUsesWith(qn.output(0), dq.input(0));
            rw.erase(qn);
            return true;
        }
    };

    static final RewritePattern LOWER_OP = new RewritePattern() {
        @Override
        public String name() {
            return "lower-op";
        }

        @Override
        public boolean matchAndRewrite(Node n, PatternRewriter rw) {
            return QuantTargets.isQuantizable(n) && new IntegerLowering(n, rw).apply();
        }
    };
}
