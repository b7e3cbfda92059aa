package dev.octet.frontend.onnx;

import dev.octet.ir.Attributes;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.ir.verify.Verifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an integer graph (after lower-qdq) as standard ONNX that other runtimes load:
 * <ul>
 *   <li>Requantize, Octet's fixed-point output stage, becomes DequantizeLinear of the accumulator at
 *       s_x * s_w[c] (recovered from its multiplier), a Clip for a fused activation, and QuantizeLinear to the
 *       output scale. Runtimes round that float product where Requantize rounds in fixed point: results may
 *       differ by one step, rarely.</li>
 *   <li>int8 weights of MatMulInteger and ConvInteger are written as u8 with zero point 128 (w + 128). ONNX
 *       Runtime's u8 x s8 kernels on x86 sum pairs of products in saturating 16-bit lanes; u8 x u8 does not.</li>
 * </ul>
 */
public final class QdqExport {
    private QdqExport() {
    }

    public static void write(Graph integerGraph, Path file) {
        OnnxWriter.write(toStandardOnnx(integerGraph), file);
    }

    static Graph toStandardOnnx(Graph source) {
        Graph g = source.copy();
        for (Node n : List.copyOf(g.nodes())) {
            switch (n.op()) {
                case "Requantize" -> g.replace(n, requantizeAsQdq(g, n));
                case "MatMulInteger", "ConvInteger" -> unsignedWeights(g, n);
                default -> { }
            }
        }
        Verifier.verify(g);
        return g;
    }

    private static List<Node> requantizeAsQdq(Graph g, Node n) {
        long[] m = n.attributes().getInts("multiplier");
        long[] s = n.attributes().getInts("shift");
        float outScale = n.attributes().getFloat("scale", 1f);
        long zp = n.attributes().getInt("zero_point", 0);
        ElementType to = n.output(0).type().elementType();
        float[] accScale = new float[m.length];
        for (int c = 0; c < m.length; c++) {
            accScale[c] = (float) (m[c] * Math.scalb(1.0, (int) (-31 - s[c])) * outScale);
        }
        List<Node> out = new ArrayList<>();
        String base = n.output(0).name();
        Value sAcc = constant(g, out, m.length == 1 ? Tensor.scalarFloat(accScale[0])
                : Tensor.ofFloats(Shape.of(m.length), accScale), base + "_acc_scale");
        Attributes axis = m.length == 1 ? Attributes.EMPTY
                : Attributes.builder().put("axis", n.attributes().getInt("axis", 1)).build();
        Value f = new Value(g.freshName(base + "_float"), n.input(0).type().withElementType(ElementType.F32));
        out.add(Node.of("DequantizeLinear", List.of(n.input(0), sAcc), List.of(f), axis));
        long lo = n.attributes().getInt("clamp_min", to.minValue());
        long hi = n.attributes().getInt("clamp_max", to.maxValue());
        if (lo > to.minValue() || hi < to.maxValue()) {
            Value min = constant(g, out, Tensor.scalarFloat((lo - zp) * outScale), base + "_clamp_min");
            Value max = constant(g, out, Tensor.scalarFloat((hi - zp) * outScale), base + "_clamp_max");
            Value clipped = new Value(g.freshName(base + "_clamped"), f.type());
            out.add(Node.of("Clip", List.of(f, min, max), List.of(clipped), Attributes.EMPTY));
            f = clipped;
        }
        Value sy = constant(g, out, Tensor.scalarFloat(outScale), base + "_scale");
        Value z = constant(g, out, Tensor.fromLongsWrapping(TensorType.of(to, Shape.SCALAR), new long[] {zp}),
                base + "_zero_point");
        out.add(new Node("QuantizeLinear", List.of(f, sy, z), n.outputs(), Attributes.EMPTY, n.name(), n.location()));
        return out;
    }

    /** Rewrites an int8 constant weight as u8 (w + 128) with zero point 128 (+128 on an existing one). */
    private static void unsignedWeights(Graph g, Node n) {
        Node wNode = g.producers().get(n.input(1));
        Tensor w = wNode != null && wNode.op().equals("Constant") ? wNode.attributes().getTensor("value") : null;
        if (w == null || w.elementType() != ElementType.I8) {
            return;
        }
        long[] shifted = w.toLongs();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 128;
        }
        Tensor wu = Tensor.fromLongsWrapping(TensorType.of(ElementType.U8, w.shape()), shifted);
        Node zpNode = n.input(3) == null ? null : g.producers().get(n.input(3));
        Tensor oldZp = zpNode == null ? null : zpNode.attributes().getTensor("value");
        long[] zp = oldZp == null ? new long[] {0} : oldZp.toLongs();
        for (int i = 0; i < zp.length; i++) {
            zp[i] += 128;
        }
        Tensor zpu = Tensor.fromLongsWrapping(TensorType.of(ElementType.U8,
                oldZp == null ? Shape.SCALAR : oldZp.shape()), zp);
        List<Node> before = new ArrayList<>();
        Value wv = constant(g, before, wu, n.input(1).name() + "_u8");
        Value zv = constant(g, before, zpu, n.input(1).name() + "_zero_point");
        List<Value> inputs = new ArrayList<>(n.inputs());
        while (inputs.size() < 4) {
            inputs.add(null);
        }
        inputs.set(1, wv);
        inputs.set(3, zv);
        before.add(n.withInputs(inputs));
        g.replace(n, before);
    }

    private static Value constant(Graph g, List<Node> into, Tensor t, String hint) {
        Value v = new Value(g.freshName(hint), t.type());
        into.add(Node.of("Constant", List.of(), List.of(v), Attributes.builder().put("value", t).build()));
        return v;
    }
}
