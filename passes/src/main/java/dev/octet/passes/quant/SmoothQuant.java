package dev.octet.passes.quant;

import dev.octet.ir.Attributes;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import dev.octet.ir.eval.ReferenceEvaluator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SmoothQuant (Xiao et al., 2023): migrates activation outliers into the weights. For a LayerNormalization whose
 * result feeds only MatMul/Gemm layers with constant weights, each channel j gets a factor
 * {@code s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)} (X_j the channel's activations over the calibration set,
 * W_j the j-th input row of every weight it feeds); the LayerNorm's scale and bias are divided by s_j and the
 * weights' row j multiplied by it. The float function is unchanged; per-tensor activation quantization no longer
 * spends its range on a few outlier channels. alpha = 0.5 balances the two.
 */
public final class SmoothQuant {
    private SmoothQuant() {
    }

    /** Smooths {@code graph} in place; returns the number of LayerNorms whose outputs were smoothed. */
    public static int apply(Graph graph, Tensor calibration, double alpha) {
        if (alpha < 0 || alpha > 1) {
            throw new IllegalArgumentException("SmoothQuant alpha must be in [0, 1], got " + alpha);
        }
        Map<Value, Node> producers = graph.producers();
        List<Node> candidates = new ArrayList<>();
        for (Node ln : graph.nodes()) {
            if (ln.op().equals("LayerNormalization") && constant(producers, ln, 1) != null
                    && ln.inputs().size() > 2 && constant(producers, ln, 2) != null
                    && !graph.outputs().contains(ln.output(0)) && !graph.users(ln.output(0)).isEmpty()
                    && graph.users(ln.output(0)).stream().allMatch(u -> weightOf(u, producers) != null
                            && u.input(0) == ln.output(0))) {
                candidates.add(ln);
            }
        }
        if (candidates.isEmpty()) {
            return 0;
        }
        Map<Value, double[]> absMax = channelAbsMax(graph, candidates, calibration);
        for (Node ln : candidates) {
            double[] x = absMax.get(ln.output(0));
            List<Node> users = graph.users(ln.output(0));
            double[] w = new double[x.length];
            for (Node u : users) {
                Tensor wt = weightOf(u, producers);
                boolean inputRowsFirst = !(u.op().contains("Gemm") && u.attributes().getInt("transB", 0) != 0);
                float[] f = wt.floats();
                int rows = (int) wt.shape().size(0);
                int cols = (int) wt.shape().size(1);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int channel = inputRowsFirst ? r : c;
                        w[channel] = Math.max(w[channel], Math.abs(f[r * cols + c]));
                    }
                }
            }
            double[] s = new double[x.length];
            for (int j = 0; j < s.length; j++) {
                s[j] = x[j] == 0 || w[j] == 0 ? 1 : Math.max(Math.pow(x[j], alpha) / Math.pow(w[j], 1 - alpha), 1e-5);
            }
            replaceConstant(graph, producers.get(ln.input(1)), scaled(constant(producers, ln, 1), s, true));
            replaceConstant(graph, producers.get(ln.input(2)), scaled(constant(producers, ln, 2), s, true));
            for (Node u : users) {
                Node wNode = producers.get(u.input(1));
                Tensor wt = weightOf(u, producers);
                boolean inputRowsFirst = !(u.op().contains("Gemm") && u.attributes().getInt("transB", 0) != 0);
                float[] f = wt.floats().clone();
                int rows = (int) wt.shape().size(0);
                int cols = (int) wt.shape().size(1);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        f[r * cols + c] = (float) (f[r * cols + c] * s[inputRowsFirst ? r : c]);
                    }
                }
                replaceConstant(graph, wNode, Tensor.of(wt.type(), f));
            }
        }
        return candidates.size();
    }

    private static Tensor scaled(Tensor t, double[] s, boolean divide) {
        float[] f = t.floats().clone();
        for (int j = 0; j < f.length; j++) {
            f[j] = (float) (divide ? f[j] / s[j] : f[j] * s[j]);
        }
        return Tensor.of(t.type(), f);
    }

    private static void replaceConstant(Graph g, Node constant, Tensor value) {
        g.replace(constant, List.of(constant.withAttributes(Attributes.builder().put("value", value).build())));
    }

    private static Tensor constant(Map<Value, Node> producers, Node n, int input) {
        Node p = n.inputs().size() > input && n.input(input) != null ? producers.get(n.input(input)) : null;
        Tensor t = p != null && p.op().equals("Constant") ? p.attributes().getTensor("value") : null;
        return t != null && t.elementType() == ElementType.F32 ? t : null;
    }

    /** The constant 2-D float weight of a MatMul/Gemm (fused forms too), or null. */
    private static Tensor weightOf(Node n, Map<Value, Node> producers) {
        if (!QuantTargets.isQuantizable(n) || n.op().contains("Conv")) {
            return null;
        }
        Tensor w = constant(producers, n, 1);
        return w != null && w.shape().rank() == 2 ? w : null;
    }

    /** max |x| per last-axis channel of each LayerNorm result, over the calibration samples. */
    private static Map<Value, double[]> channelAbsMax(Graph g, List<Node> lns, Tensor data) {
        Map<String, Value> wanted = new HashMap<>();
        for (Node ln : lns) {
            wanted.put(ln.output(0).name(), ln.output(0));
        }
        Map<Value, double[]> out = new HashMap<>();
        ReferenceEvaluator eval = new ReferenceEvaluator(g);
        int samples = (int) data.shape().size(0);
        for (int start = 0; start < samples; start += 100) {
            eval.run(List.of(data.rows(start, Math.min(100, samples - start))), (v, t) -> {
                Value key = wanted.get(v.name());
                if (key == null) {
                    return;
                }
                int channels = (int) t.shape().size(t.shape().rank() - 1);
                double[] m = out.computeIfAbsent(key, k -> new double[channels]);
                float[] f = t.floats();
                for (int i = 0; i < f.length; i++) {
                    m[i % channels] = Math.max(m[i % channels], Math.abs(f[i]));
                }
            });
        }
        return out;
    }
}
