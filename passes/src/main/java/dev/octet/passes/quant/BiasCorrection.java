package dev.octet.passes.quant;

import dev.octet.ir.Attributes;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import dev.octet.ir.eval.ReferenceEvaluator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Empirical bias correction (Nagel et al., 2019) on a QDQ graph: quantizing weights shifts the mean of each output
 * channel; measuring that shift on calibration data (float graph against QDQ graph, by value name) and folding it
 * into the int32 bias removes it. Layers are corrected in order, each measured after the corrections before it,
 * since an earlier correction changes what later layers see.
 */
public final class BiasCorrection {
    private BiasCorrection() {
    }

    /** Corrects the int32 biases of {@code qdq} in place; returns the number of layers corrected. */
    public static int apply(Graph prepared, Graph qdq, Tensor data, int batchSize) {
        return apply(prepared, qdq, data, batchSize, QuantizationProgress.NONE);
    }

    public static int apply(Graph prepared, Graph qdq, Tensor data, int batchSize, QuantizationProgress progress) {
        int corrected = 0;
        long layers = qdq.nodes().stream().filter(QuantTargets::isQuantizable).count();
        long seen = 0;
        for (Node layer : List.copyOf(qdq.nodes())) {
            if (QuantTargets.isQuantizable(layer)) {
                progress.advance("bias correction", seen++, layers);
            }
            Node current = qdq.producers().get(layer.output(0));
            if (!QuantTargets.isQuantizable(current) || current.inputs().size() < 3 || current.input(2) == null) {
                continue;
            }
            Node biasDq = qdq.producers().get(current.input(2));
            Node biasConst = biasDq != null && biasDq.op().equals("DequantizeLinear")
                    ? qdq.producers().get(biasDq.input(0)) : null;
            Node scaleConst = biasDq == null ? null : qdq.producers().get(biasDq.input(1));
            if (biasConst == null || !biasConst.op().equals("Constant") || scaleConst == null) {
                continue;
            }
            double[] error = meanChannelError(prepared, qdq, current.output(0), data, batchSize);
            if (error == null) {
                continue;
            }
            Tensor b = biasConst.attributes().getTensor("value");
            Tensor s = scaleConst.attributes().getTensor("value");
            long[] q = b.toLongs();
            for (int c = 0; c < q.length; c++) {
                double scale = s.floats()[s.size() == 1 ? 0 : c];
                q[c] += Math.round(error[c] / scale);
            }
            Tensor nb = Tensor.fromLongsWrapping(b.type(), q);
            qdq.replace(biasConst, List.of(biasConst.withAttributes(Attributes.builder().put("value", nb).build())));
            corrected++;
        }
        progress.advance("bias correction", layers, layers);
        return corrected;
    }

    /** Mean over samples and positions of (float - quantized) per channel (axis 1) of {@code y}. */
    private static double[] meanChannelError(Graph prepared, Graph qdq, Value y, Tensor data, int batchSize) {
        String name = y.name();
        ReferenceEvaluator fe = new ReferenceEvaluator(prepared);
        ReferenceEvaluator qe = new ReferenceEvaluator(qdq);
        int samples = (int) data.shape().size(0);
        double[] sum = null;
        long count = 0;
        for (int start = 0; start < samples; start += batchSize) {
            Tensor batch = data.rows(start, Math.min(batchSize, samples - start));
            Map<String, Tensor> seen = new HashMap<>();
            fe.run(List.of(batch), (v, t) -> {
                if (v.name().equals(name)) {
                    seen.put("f", t);
                }
            });
            qe.run(List.of(batch), (v, t) -> {
                if (v.name().equals(name)) {
                    seen.put("q", t);
                }
            });
            Tensor f = seen.get("f");
            Tensor q = seen.get("q");
            if (f == null || q == null || f.elementType() != ElementType.F32 || f.shape().rank() < 2) {
                return null;
            }
            int channels = (int) f.shape().size(1);
            int inner = f.size() / (int) f.shape().size(0) / channels;
            if (sum == null) {
                sum = new double[channels];
            }
            for (int i = 0; i < f.size(); i++) {
                sum[(i / inner) % channels] += f.floats()[i] - q.floats()[i];
            }
            count += f.size() / channels;
        }
        if (sum == null || count == 0) {
            return null;
        }
        for (int c = 0; c < sum.length; c++) {
            sum[c] /= count;
        }
        return sum;
    }
}
