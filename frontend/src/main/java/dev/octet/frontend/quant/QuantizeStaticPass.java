package dev.octet.frontend.quant;

import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.PassOption;
import dev.octet.passes.PipelineException;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.QuantScheme;
import dev.octet.passes.quant.RangeMethod;
import dev.octet.passes.quant.StaticQuantizer;
import java.util.List;

/**
 * Static int8 quantization as one pass of a pipeline, with the calibration samples read from a file:
 * {@code quantize-static{calibration=calib.npy,method=mse}}. It runs {@link StaticQuantizer}: fusions,
 * calibration, Q/DQ insertion, bias correction, lowering to integer ops.
 */
public final class QuantizeStaticPass implements Pass {
    /** The options of static quantization that bias-correction takes too: samples, ranges, types. */
    static final List<PassOption> STATIC_OPTIONS = List.of(
            new PassOption("calibration", "samples file: .npy [N, ...] or IDX images (gzipped or not)", ""),
            new PassOption("method", "range method: minmax, percentile:P, entropy or mse", "minmax"),
            new PassOption("activations", "activation type: u8, i8 or i8-symmetric", "u8"),
            new PassOption("per-tensor", "one scale per weight tensor instead of per output channel", "false"));

    public static final PassInfo INFO = new PassInfo("quantize-static",
            "Static int8 quantization calibrated on a file of samples",
            "Fuses, calibrates on the samples (.npy [N, ...] or IDX images), inserts Q/DQ from the chosen ranges, "
                    + "corrects biases and lowers to integer ops.",
            java.util.stream.Stream.concat(STATIC_OPTIONS.stream(), java.util.stream.Stream.of(new PassOption(
                    "bias-correction", "fold each layer's measured mean error into its bias", "true"))).toList(),
            options -> new QuantizeStaticPass(options.getString("calibration"), config(
                    options.getString("method"), options.getString("activations"),
                    Boolean.parseBoolean(options.getString("per-tensor")),
                    Boolean.parseBoolean(options.getString("bias-correction")))));

    private final String calibration;
    private final InsertQdqPass.Config config;

    public QuantizeStaticPass(String calibration, InsertQdqPass.Config config) {
        this.calibration = calibration;
        this.config = config;
    }

    static InsertQdqPass.Config config(String method, String activations, boolean perTensor, boolean biasCorrection) {
        QuantScheme scheme = switch (activations) {
            case "u8" -> QuantScheme.U8_ASYMMETRIC;
            case "i8" -> QuantScheme.I8_ASYMMETRIC;
            case "i8-symmetric" -> QuantScheme.I8_SYMMETRIC;
            default -> throw new PipelineException("activations must be u8, i8 or i8-symmetric, got '" + activations + "'");
        };
        try {
            return new InsertQdqPass.Config(RangeMethod.parse(method), scheme, !perTensor, biasCorrection);
        } catch (IllegalArgumentException e) {
            throw new PipelineException(e.getMessage());
        }
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        Tensor samples = CalibrationFiles.read(calibration, "quantize-static");
        Graph quantized = StaticQuantizer.quantize(graph, samples, config).graph();
        for (Node n : List.copyOf(graph.nodes())) {
            graph.remove(n);
        }
        quantized.nodes().forEach(graph::add);
        graph.setOutputs(quantized.outputs());
        context.count("calibration-samples", samples.shape().size(0));
        return true;
    }
}
