package dev.octet.passes.quant;

import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import dev.octet.ir.eval.ReferenceEvaluator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the float graph over a calibration set and collects, for every float tensor that is computed at run time
 * (graph inputs and results of non-Constant nodes), its min, max and histogram. The set is fed in batches along
 * its first dimension, so memory depends on the batch size and the histograms, not on the set's size.
 */
public final class Calibrator {
    private Calibrator() {
    }

    public static CalibrationProfile calibrate(Graph graph, Tensor data, int batchSize) {
        return calibrate(graph, data, batchSize, QuantizationProgress.NONE);
    }

    public static CalibrationProfile calibrate(Graph graph, Tensor data, int batchSize,
                                               QuantizationProgress progress) {
        if (graph.inputs().size() != 1) {
            throw new IllegalArgumentException("calibration feeds graphs with one input; @" + graph.name() + " has "
                    + graph.inputs().size());
        }
        if (data.elementType() != ElementType.F32 || data.shape().rank() == 0) {
            throw new IllegalArgumentException("calibration data must be a float tensor [samples, ...], got "
                    + data.type());
        }
        Set<Value> observed = observedValues(graph);
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        observed.forEach(v -> histograms.put(v.name(), new Histogram()));
        ReferenceEvaluator eval = new ReferenceEvaluator(graph);
        int samples = (int) data.shape().size(0);
        for (int start = 0; start < samples; start += batchSize) {
            int n = Math.min(batchSize, samples - start);
            Tensor batch = data.rows(start, n);
            eval.run(List.of(batch), (v, t) -> {
                if (observed.contains(v)) {
                    histograms.get(v.name()).add(t.floats());
                }
            });
            progress.advance("calibrating", start + n, samples);
        }
        return new CalibrationProfile(histograms, samples);
    }

    private static Set<Value> observedValues(Graph graph) {
        Set<Value> out = new HashSet<>();
        for (Value v : graph.inputs()) {
            if (v.type().elementType() == ElementType.F32) {
                out.add(v);
            }
        }
        for (Node n : graph.nodes()) {
            if (!n.op().equals("Constant")) {
                n.outputs().stream().filter(v -> v.type().elementType() == ElementType.F32).forEach(out::add);
            }
        }
        return out;
    }
}
