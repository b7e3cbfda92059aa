package dev.octet.frontend.quant;

import dev.octet.ir.Attributes;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.PassManager;
import dev.octet.passes.PipelineException;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.StaticQuantizer;
import java.util.List;
import java.util.Map;

/**
 * Bias correction as a pass on the float graph: {@code bias-correction{calibration=calib.npy}}. It quantizes a
 * copy of the graph as quantize-static would (same options), measures each layer's mean output error per channel
 * on the calibration samples ({@link dev.octet.passes.quant.BiasCorrection}, layer after layer) and folds it into
 * the layer's float bias: {@code b_c += delta_c * s_x * s_w[c]}, where delta is the int32 correction. The graph
 * is first prepared as quantization prepares it (fusions), so the biases corrected are those of the fused layers.
 * Quantizing
 * the corrected graph without bias correction then gives the corrected int32 biases. Layers without a bias are
 * left alone.
 */
public final class BiasCorrectionPass implements Pass {
    public static final PassInfo INFO = new PassInfo("bias-correction",
            "Fold int8's measured mean output error into the float biases",
            "Quantizes a copy as quantize-static would, measures each layer's mean per-channel output error on the "
                    + "calibration samples, and adds it to the layer's float bias.",
            QuantizeStaticPass.STATIC_OPTIONS,
            options -> new BiasCorrectionPass(options.getString("calibration"), QuantizeStaticPass.config(
                    options.getString("method"), options.getString("activations"),
                    Boolean.parseBoolean(options.getString("per-tensor")), true)));

    private final String calibration;
    private final InsertQdqPass.Config config;

    public BiasCorrectionPass(String calibration, InsertQdqPass.Config config) {
        this.calibration = calibration;
        this.config = config;
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        Tensor samples = CalibrationFiles.read(calibration, "bias-correction");
        // The layers as quantization sees them: fused first, so names and ops match the quantized copies.
        PassManager.of(StaticQuantizer.PREPARE).run(graph);
        Graph corrected = StaticQuantizer.quantize(graph, samples, config.withBiasCorrection(true)).qdq();
        Graph plain = StaticQuantizer.quantize(graph, samples, config.withBiasCorrection(false)).qdq();
        Map<String, Node> layers = new java.util.HashMap<>();
        for (Node n : graph.nodes()) {
            if (!n.outputs().isEmpty()) {
                layers.put(n.output(0).name(), n);
            }
        }
        boolean changed = false;
        Map<Value, Node> producers = corrected.producers();
        Map<Value, Node> plainProducers = plain.producers();
        Map<String, Node> plainLayers = new java.util.HashMap<>();
        plain.nodes().forEach(n -> plainLayers.put(n.outputs().isEmpty() ? "" : n.output(0).name(), n));
        for (Node q : corrected.nodes()) {
            Node f = q.outputs().isEmpty() ? null : layers.get(q.output(0).name());
            Node p = q.outputs().isEmpty() ? null : plainLayers.get(q.output(0).name());
            if (f == null || p == null || q.inputs().size() < 3 || q.input(2) == null || f.inputs().size() < 3
                    || f.input(2) == null || !q.op().equals(f.op())) {
                continue;
            }
            Node dq = producers.get(q.input(2));
            Node plainDq = plainProducers.get(p.input(2));
            if (dq == null || plainDq == null || !dq.op().equals("DequantizeLinear")) {
                continue;
            }
            long[] after = constant(producers, dq.input(0)).toLongs();
            long[] before = constant(plainProducers, plainDq.input(0)).toLongs();
            float[] scale = constant(producers, dq.input(1)).floats();
            Node floatBias = graph.producers().get(f.input(2));
            if (floatBias == null || !floatBias.op().equals("Constant")) {
                continue;
            }
            Tensor b = floatBias.attributes().getTensor("value");
            float[] v = b.floats().clone();
            for (int c = 0; c < v.length; c++) {
                v[c] += (after[c] - before[c]) * scale[scale.length == 1 ? 0 : c];
            }
            graph.replace(floatBias, List.of(floatBias.withAttributes(Attributes.builder()
                    .put("value", Tensor.of(b.type(), v)).build())));
            context.count("biases-corrected");
            changed = true;
        }
        return changed;
    }

    private static Tensor constant(Map<Value, Node> producers, Value v) {
        Node n = producers.get(v);
        if (n == null || !n.op().equals("Constant")) {
            throw new PipelineException("bias-correction: expected a constant for " + v.name());
        }
        return n.attributes().getTensor("value");
    }
}
