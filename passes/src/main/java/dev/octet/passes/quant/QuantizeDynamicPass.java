package dev.octet.passes.quant;

import dev.octet.ir.Attributes;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.ir.ops.OpContext;
import dev.octet.ir.ops.OpRegistry;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic quantization: weights int8 ahead of time, activations quantized at run time per row from their actual
 * range, no calibration data. For every MatMul and Gemm with a constant weight:
 *
 * <pre>
 *   y = MatMul(x, W)
 * becomes
 *   x_q, s, z = DynamicQuantizeRows(x)                      u8 per row, s and z of shape [..., 1]
 *   acc = MatMulInteger(x_q, W_q) - z * colsum(W_q)          int32; W_q int8 symmetric per output channel, [K, N]
 *   y = float(acc) * s * s_w                                  (+ bias, then the fused activation, in float)
 * </pre>
 *
 * The zero-point correction uses the weight's column sums, so any rank of x works (transformer activations are
 * [N, T, D]). Embedding tables (Gather on a constant float table) become int8 with one scale per row: in
 * BERT-like models they are most of the bytes.
 */
public final class QuantizeDynamicPass implements Pass {
    public static final PassInfo INFO = new PassInfo("quantize-dynamic",
            "Dynamic int8: int8 weights, activations quantized per row at run time",
            "Rewrites MatMul and Gemm with constant weights to MatMulInteger on run-time per-row quantized "
                    + "activations, and constant embedding tables to int8 rows with per-row scales.",
            List.of(), options -> new QuantizeDynamicPass());

    @Override
    public boolean run(Graph graph, PassContext context) {
        boolean changed = false;
        for (Node node : List.copyOf(graph.nodes())) {
            Node n = graph.producers().get(node.output(0));
            if (isMatMulLike(n) && constant(graph, n.input(1)) != null) {
                lowerMatMul(graph, n);
                context.count("matmuls-quantized");
                changed = true;
            } else if (isEmbedding(graph, n)) {
                lowerEmbedding(graph, n);
                context.count("embeddings-quantized");
                changed = true;
            }
        }
        return changed;
    }

    private static boolean isMatMulLike(Node n) {
        return (n.op().equals("MatMul") || n.op().endsWith("Gemm")) && QuantTargets.isQuantizable(n)
                && !"LeakyRelu".equals(n.attributes().getString("activation", ""));
    }

    private static boolean isEmbedding(Graph graph, Node n) {
        Tensor table = n.op().equals("Gather") ? constant(graph, n.input(0)) : null;
        return table != null && table.shape().rank() == 2 && n.attributes().getInt("axis", 0) == 0;
    }

    private static Tensor constant(Graph graph, Value v) {
        Node p = v == null ? null : graph.producers().get(v);
        Tensor t = p != null && p.op().equals("Constant") ? p.attributes().getTensor("value") : null;
        return t != null && t.elementType() == ElementType.F32 ? t : null;
    }

    private static void lowerMatMul(Graph graph, Node n) {
        Tensor w = constant(graph, n.input(1));
        boolean transB = n.op().endsWith("Gemm") && n.attributes().getInt("transB", 0) != 0;
        int k = (int) w.shape().size(transB ? 1 : 0);
        int cols = (int) w.shape().size(transB ? 0 : 1);
        // Symmetric int8 per output column, stored [K, N].
        float[] scales = new float[cols];
        float[] wf = w.floats();
        for (int i = 0; i < wf.length; i++) {
            int c = transB ? i / k : i % cols;
            scales[c] = Math.max(scales[c], Math.abs(wf[i]));
        }
        for (int c = 0; c < cols; c++) {
            scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        }
        byte[] q = new byte[k * cols];
        int[] colsum = new int[cols];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < cols; c++) {
                float v = transB ? wf[c * k + r] : wf[r * cols + c];
                int qv = (int) Math.max(-127, Math.min(127, Math.rint(v / scales[c])));
                q[r * cols + c] = (byte) qv;
                colsum[c] += qv;
            }
        }
        Emitter e = new Emitter(graph);
        String y = n.output(0).name();
        Value wq = e.constant(Tensor.of(TensorType.of(ElementType.I8, k, cols), q), n.input(1).name() + "_int8");
        Value sums = e.constant(Tensor.of(TensorType.of(ElementType.I32, cols), colsum), n.input(1).name() + "_colsum");
        Value ws = e.constant(Tensor.ofFloats(Shape.of(cols), scales), n.input(1).name() + "_scale");
        List<Value> rowQuant = e.emit("DynamicQuantizeRows", List.of(n.input(0)), Attributes.EMPTY,
                y + "_xq", y + "_row_scale", y + "_row_zero_point");
        Value acc = e.emit1("MatMulInteger", List.of(rowQuant.get(0), wq), Attributes.EMPTY, y + "_acc");
        Value corr = e.emit1("Mul", List.of(rowQuant.get(2), sums), Attributes.EMPTY, y + "_zp_correction");
        Value exact = e.emit1("Sub", List.of(acc, corr), Attributes.EMPTY, y + "_acc_exact");
        Value f = e.emit1("Cast", List.of(exact), Attributes.builder().put("to", 1L).build(), y + "_acc_float");
        Value rowScaled = e.emit1("Mul", List.of(f, rowQuant.get(1)), Attributes.EMPTY, y + "_row_scaled");
        Value out = e.emit1("Mul", List.of(rowScaled, ws), Attributes.EMPTY, y + "_scaled");
        if (n.inputs().size() > 2 && n.input(2) != null) {
            out = e.emit1("Add", List.of(out, n.input(2)), Attributes.EMPTY, y + "_biased");
        }
        e.finish(activation(n, out, e), n);
    }

    /** The fused activation, if any, as a float op; the returned node defines n's result. */
    private static Node activation(Node n, Value in, Emitter e) {
        String kind = n.attributes().getString("activation", "");
        return switch (kind) {
            case "Relu" -> new Node("Relu", List.of(in), n.outputs(), Attributes.EMPTY, n.name(), n.location());
            case "Clip" -> {
                float[] p = n.attributes().getFloats("activation_params");
                Value lo = e.constant(Tensor.scalarFloat(p[0]), "clip_min");
                Value hi = e.constant(Tensor.scalarFloat(p[1]), "clip_max");
                yield new Node("Clip", List.of(in, lo, hi), n.outputs(), Attributes.EMPTY, n.name(), n.location());
            }
            default -> new Node("Identity", List.of(in), n.outputs(), Attributes.EMPTY, n.name(), n.location());
        };
    }

    private static void lowerEmbedding(Graph graph, Node n) {
        Tensor table = constant(graph, n.input(0));
        int rows = (int) table.shape().size(0);
        int dim = (int) table.shape().size(1);
        float[] t = table.floats();
        float[] scales = new float[rows];
        byte[] q = new byte[t.length];
        for (int r = 0; r < rows; r++) {
            float m = 0;
            for (int i = r * dim; i < (r + 1) * dim; i++) {
                m = Math.max(m, Math.abs(t[i]));
            }
            scales[r] = m > 0 ? m / 127f : 1f;
            for (int i = r * dim; i < (r + 1) * dim; i++) {
                q[i] = (byte) Math.max(-127, Math.min(127, Math.rint(t[i] / scales[r])));
            }
        }
        Emitter e = new Emitter(graph);
        String y = n.output(0).name();
        Value tq = e.constant(Tensor.of(TensorType.of(ElementType.I8, rows, dim), q), n.input(0).name() + "_int8");
        Value ts = e.constant(Tensor.ofFloats(Shape.of(rows, 1), scales), n.input(0).name() + "_row_scale");
        Value picked = e.emit1("Gather", List.of(tq, n.input(1)), Attributes.EMPTY, y + "_int8");
        Value pickedScale = e.emit1("Gather", List.of(ts, n.input(1)), Attributes.EMPTY, y + "_scale");
        Value f = e.emit1("Cast", List.of(picked), Attributes.builder().put("to", 1L).build(), y + "_float");
        e.finish(new Node("Mul", List.of(f, pickedScale), n.outputs(), Attributes.EMPTY, n.name(), n.location()), n);
    }

    /** Builds the replacement of one node, inferring each new value's type. */
    private static final class Emitter {
        private final Graph graph;
        private final List<Node> nodes = new ArrayList<>();

        Emitter(Graph graph) {
            this.graph = graph;
        }

        Value constant(Tensor t, String hint) {
            Value v = new Value(graph.freshName(hint), t.type());
            nodes.add(Node.of("Constant", List.of(), List.of(v), Attributes.builder().put("value", t).build()));
            return v;
        }

        List<Value> emit(String op, List<Value> inputs, Attributes attrs, String... hints) {
            int results = hints.length;
            List<TensorType> types = new ArrayList<>();
            List<Tensor> values = new ArrayList<>();
            for (Value v : inputs) {
                types.add(v.type());
                values.add(null);
            }
            List<TensorType> out = OpRegistry.standard().find(op).inferTypes(new OpContext(types, values, attrs, results));
            List<Value> vs = new ArrayList<>();
            for (int i = 0; i < results; i++) {
                vs.add(new Value(graph.freshName(hints[i]), out.get(i)));
            }
            nodes.add(Node.of(op, inputs, vs, attrs));
            return vs;
        }

        Value emit1(String op, List<Value> inputs, Attributes attrs, String hint) {
            return emit(op, inputs, attrs, hint).getFirst();
        }

        void finish(Node last, Node replaced) {
            nodes.add(last);
            graph.replace(replaced, nodes);
        }
    }
}
