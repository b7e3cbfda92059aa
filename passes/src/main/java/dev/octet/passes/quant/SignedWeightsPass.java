package dev.octet.passes.quant;

import dev.octet.ir.Attributes;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the constant u8 weights of MatMulInteger and ConvInteger that carry zero point 128 (as Octet's QDQ
 * export and ONNX Runtime's U8U8 models write them) to s8 weights with zero point 0: {@code w_u8 - 128} is exact in
 * int8, and the JVM backend's integer kernels take signed weights. Other zero points are left alone.
 */
public final class SignedWeightsPass implements Pass {
    public static final PassInfo INFO = new PassInfo("signed-weights",
            "u8 weights with zero point 128 to s8 weights",
            "Subtracts the zero point 128 from constant u8 weights of MatMulInteger/ConvInteger, giving s8 weights "
                    + "with no zero point (exact).",
            List.of(), options -> new SignedWeightsPass());

    @Override
    public boolean run(Graph graph, PassContext context) {
        boolean changed = false;
        for (Node n : List.copyOf(graph.nodes())) {
            if (!(n.op().equals("MatMulInteger") || n.op().equals("ConvInteger")) || n.inputs().size() < 4
                    || n.input(3) == null) {
                continue;
            }
            Tensor w = constant(graph, n.input(1));
            Tensor zp = constant(graph, n.input(3));
            if (w == null || zp == null || w.elementType() != ElementType.U8 || zp.size() != 1
                    || zp.toLongs()[0] != 128) {
                continue;
            }
            byte[] u = w.bytes();
            byte[] s = new byte[u.length];
            for (int i = 0; i < u.length; i++) {
                s[i] = (byte) ((u[i] & 0xFF) - 128);
            }
            TensorType type = TensorType.of(ElementType.I8, w.shape());
            Value sv = new Value(graph.freshName(n.input(1).name() + "_s8"), type);
            Node constant = Node.of("Constant", List.of(), List.of(sv),
                    Attributes.builder().put("value", Tensor.of(type, s)).build());
            List<Value> inputs = new ArrayList<>(n.inputs().subList(0, 3));
            inputs.set(1, sv);
            graph.replace(n, List.of(constant, n.withInputs(inputs)));
            context.count("weights-signed");
            changed = true;
        }
        return changed;
    }

    private static Tensor constant(Graph g, Value v) {
        Node p = g.producers().get(v);
        return p != null && p.op().equals("Constant") ? p.attributes().getTensor("value") : null;
    }
}
