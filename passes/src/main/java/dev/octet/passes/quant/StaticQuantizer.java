package dev.octet.passes.quant;

import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.verify.Verifier;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassManager;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Static post-training quantization end to end: the fusion and clean-up pipeline, calibration on the given
 * samples, Q/DQ insertion from the chosen ranges, and lowering to integer ops.
 */
public final class StaticQuantizer {
    /** The pipeline that prepares a float graph: fusions first, so activations become clamps. */
    public static final String PREPARE = "remove-identity,fold-constants,fold-batchnorm,fuse-activation,"
            + "fuse-matmul-add,fuse-gelu,fuse-layernorm,cse,dce";
    /** The pipeline that lowers a QDQ graph (ours or a QAT export) to integer ops. */
    public static final String LOWER = "fold-constants,fuse-activation,lower-qdq,signed-weights,fold-constants,dce";

    private StaticQuantizer() {
    }

    /**
     * The integer graph, the range decision of every quantized activation (by value name), and the two graphs on
     * the way: the prepared float graph and the QDQ graph (for the quality report).
     */
    public record Result(Graph graph, Map<String, QuantRange> decisions, Graph prepared, Graph qdq) {
        /** The quality report of this quantization, measured on {@code data}. */
        public QualityReport report(InsertQdqPass.Config config, Tensor data) {
            return QualityReport.measure(prepared, qdq, graph, decisions, config, data, 100);
        }
    }

    public static Result quantize(Graph floatGraph, Tensor calibration, InsertQdqPass.Config config) {
        return quantize(floatGraph, calibration, config, node -> false);
    }

    /**
     * As above, leaving in float the quantizable ops (of the prepared graph) that {@code keepFloat} accepts; the
     * float op then reads dequantized inputs, so Quantize/Dequantize appear at its boundaries.
     */
    public static Result quantize(Graph floatGraph, Tensor calibration, InsertQdqPass.Config config,
                                  Predicate<Node> keepFloat) {
        return quantize(floatGraph, calibration, config, keepFloat, QuantizationProgress.NONE);
    }

    public static Result quantize(Graph floatGraph, Tensor calibration, InsertQdqPass.Config config,
                                  Predicate<Node> keepFloat, QuantizationProgress progress) {
        return quantize(calibrate(floatGraph, calibration, progress), config, keepFloat, progress);
    }

    /** A prepared float graph with its calibration: quantize it many ways (mixed precision) calibrating once. */
    public record Calibrated(Graph prepared, CalibrationProfile profile, Tensor calibration) {
    }

    public static Calibrated calibrate(Graph floatGraph, Tensor calibration, QuantizationProgress progress) {
        Graph prepared = floatGraph.copy();
        PassManager.of(PREPARE).run(prepared);
        return new Calibrated(prepared, Calibrator.calibrate(prepared, calibration, 100, progress), calibration);
    }

    public static Result quantize(Calibrated c, InsertQdqPass.Config config, Predicate<Node> keepFloat,
                                  QuantizationProgress progress) {
        Graph prepared = c.prepared();
        Tensor calibration = c.calibration();
        CalibrationProfile profile = c.profile();
        Graph qdq = prepared.copy();
        InsertQdqPass insert = new InsertQdqPass(profile, config, keepFloat);
        insert.run(qdq, new PassContext());
        Verifier.verify(qdq);
        if (config.biasCorrection()) {
            BiasCorrection.apply(prepared, qdq, calibration, 100, progress);
        }
        Graph g = qdq.copy();
        PassManager.of(LOWER).run(g);
        return new Result(g, insert.decisions(), prepared, qdq);
    }

    /** Dynamic quantization: the same preparation, then quantize-dynamic (no calibration data). */
    public static Graph quantizeDynamic(Graph floatGraph) {
        Graph g = floatGraph.copy();
        PassManager.of(PREPARE + ",quantize-dynamic,remove-identity,dce").run(g);
        return g;
    }

    /** Lowers a quantization-aware-trained QDQ model, keeping its scales and zero points. */
    public static Graph lowerQdq(Graph qdqGraph) {
        Graph g = qdqGraph.copy();
        PassManager.of("remove-identity," + LOWER).run(g);
        return g;
    }
}
