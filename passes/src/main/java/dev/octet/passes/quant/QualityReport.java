package dev.octet.passes.quant;

import com.google.gson.GsonBuilder;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How much quantization costs, tensor by tensor: the JSON report other tools and the CLI build on. Field names
 * are stable (snake_case): {@code tensors} (per quantized activation: chosen and observed range, clipped
 * fraction, scale, zero point, SQNR of the dequantized values against float), {@code layers} (per quantized op:
 * SQNR of its output), and {@code output} (end-to-end SQNR of the first graph output and top-1 agreement).
 *
 * <p>SQNR = 10 log10(sum x^2 / sum (x - x')^2) in dB over the given samples, x from the float graph and x' from
 * the quantized one (values are matched by name: the QDQ graph keeps every float value's name, its dequantized
 * copy is {@code name_dq}). Per-tensor and per-layer figures come from the QDQ graph, the end-to-end figure from
 * the integer graph that will run.
 */
public record QualityReport(String mode, String method, String activationScheme, boolean perChannelWeights,
                            int samples, List<TensorEntry> tensors, List<LayerEntry> layers, OutputEntry output) {

    public record TensorEntry(String name, double[] chosenRange, double[] observedRange, double clippedFraction,
                              float scale, long zeroPoint, double sqnrDb) {
    }

    public record LayerEntry(String name, String op, String output, double sqnrDb) {
    }

    public record OutputEntry(String name, double sqnrDb, double top1Agreement) {
    }

    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .setFieldNamingPolicy(com.google.gson.FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .create().toJson(this);
    }

    /**
     * Measures a static quantization: {@code prepared} is the float graph after fusions, {@code qdq} the same after
     * Q/DQ insertion, {@code lowered} the integer graph; {@code data} the samples ([samples, ...]).
     */
    public static QualityReport measure(Graph prepared, Graph qdq, Graph lowered, Map<String, QuantRange> decisions,
                                        InsertQdqPass.Config config, Tensor data, int batchSize) {
        Map<String, double[]> qdqError = new HashMap<>();   // name -> {signal, noise}
        Map<String, double[]> dqError = new HashMap<>();
        double[] outputError = new double[2];
        long[] agreement = new long[2];
        ReferenceEvaluator floatEval = new ReferenceEvaluator(prepared);
        ReferenceEvaluator qdqEval = new ReferenceEvaluator(qdq);
        ReferenceEvaluator intEval = new ReferenceEvaluator(lowered);
        int samples = (int) data.shape().size(0);
        for (int start = 0; start < samples; start += batchSize) {
            int n = Math.min(batchSize, samples - start);
            Tensor batch = data.rows(start, n);
            Map<String, float[]> reference = new HashMap<>();
            List<Tensor> floatOut = floatEval.run(List.of(batch), (v, t) -> {
                if (t.elementType() == ElementType.F32) {
                    reference.put(v.name(), t.floats());
                }
            });
            qdqEval.run(List.of(batch), (v, t) -> {
                if (t.elementType() != ElementType.F32) {
                    return;
                }
                String name = v.name();
                if (name.endsWith("_dq") && decisions.containsKey(name.substring(0, name.length() - 3))) {
                    accumulate(dqError, name.substring(0, name.length() - 3), reference, t.floats());
                } else if (reference.containsKey(name)) {
                    accumulate(qdqError, name, reference, t.floats());
                }
            });
            Tensor intOut = intEval.run(List.of(batch)).getFirst();
            accumulate(outputError, floatOut.getFirst().floats(), intOut.floats());
            agree(agreement, floatOut.getFirst(), intOut);
        }
        List<TensorEntry> tensors = new ArrayList<>();
        decisions.forEach((name, r) -> {
            var q = config.activations().parameters(r.lo(), r.hi());
            tensors.add(new TensorEntry(name, new double[] {r.lo(), r.hi()},
                    new double[] {r.observedMin(), r.observedMax()}, r.clippedFraction(), q.scale(), q.zeroPoint(),
                    sqnr(dqError.get(name))));
        });
        List<LayerEntry> layers = new ArrayList<>();
        for (Node node : qdq.nodes()) {
            if (QuantTargets.isQuantizable(node)) {
                String out = node.output(0).name();
                layers.add(new LayerEntry(node.name() != null ? node.name() : out, node.op(), out,
                        sqnr(qdqError.get(out))));
            }
        }
        return new QualityReport("static", config.method().toString(),
                config.activations().name().toLowerCase(java.util.Locale.ROOT), config.perChannelWeights(), samples,
                tensors, layers, new OutputEntry(prepared.outputs().getFirst().name(), sqnr(outputError),
                        agreement[1] == 0 ? 1 : (double) agreement[0] / agreement[1]));
    }

    private static void accumulate(Map<String, double[]> into, String name, Map<String, float[]> reference, float[] q) {
        float[] x = reference.get(name);
        if (x != null && x.length == q.length) {
            accumulate(into.computeIfAbsent(name, k -> new double[2]), x, q);
        }
    }

    private static void accumulate(double[] acc, float[] x, float[] q) {
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - q[i];
            acc[0] += (double) x[i] * x[i];
            acc[1] += d * d;
        }
    }

    /** Counts rows of [N, C] outputs whose argmax agrees. */
    private static void agree(long[] acc, Tensor a, Tensor b) {
        int rows = (int) a.shape().size(0);
        int cols = rows == 0 ? 0 : a.size() / rows;
        for (int r = 0; r < rows; r++) {
            acc[0] += argmax(a.floats(), r, cols) == argmax(b.floats(), r, cols) ? 1 : 0;
            acc[1]++;
        }
    }

    private static int argmax(float[] v, int row, int cols) {
        int best = 0;
        for (int c = 1; c < cols; c++) {
            if (v[row * cols + c] > v[row * cols + best]) {
                best = c;
            }
        }
        return best;
    }

    /** SQNR in dB; +inf when there is no noise, NaN when nothing was measured. */
    static double sqnr(double[] signalNoise) {
        if (signalNoise == null) {
            return Double.NaN;
        }
        return signalNoise[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signalNoise[0] / signalNoise[1]);
    }
}
