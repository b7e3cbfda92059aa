package dev.octet.api;

import dev.octet.backends.jvm.CompiledModel;
import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.backends.jvm.Target;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.passes.PassManager;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.QualityReport;
import dev.octet.passes.quant.QuantScheme;
import dev.octet.passes.quant.QuantTargets;
import dev.octet.passes.quant.QuantizationProgress;
import dev.octet.passes.quant.RangeMethod;
import dev.octet.passes.quant.SmoothQuant;
import dev.octet.passes.quant.StaticQuantizer;
import java.util.List;
import java.util.Locale;

/**
 * The compile pipeline behind {@code octet compile}: a float (or QAT) graph, prepared by the fusion passes,
 * quantized as {@link Precision} asks, then compiled by the JVM backend.
 */
public final class ModelCompilation {
    /** What the user asked for; {@code calibration} is required for static int8 of a float model. */
    public record Options(Precision precision, Tensor calibration, String method, String activations,
                          boolean perTensor, Target target, List<String> keepFp32, String className,
                          String modelName, String sourceSha256, MixedPrecision.Budget budget,
                          LabeledSamples validation, Double smoothQuantAlpha, boolean nativeKernels,
                          boolean biasCorrection) {
        public Options {
            keepFp32 = List.copyOf(keepFp32);
        }

        /** With the run-time machine code allowed ({@link JvmCompiler.Options#nativeKernels}) and bias correction. */
        public Options(Precision precision, Tensor calibration, String method, String activations, boolean perTensor,
                       Target target, List<String> keepFp32, String className, String modelName,
                       String sourceSha256, MixedPrecision.Budget budget, LabeledSamples validation,
                       Double smoothQuantAlpha) {
            this(precision, calibration, method, activations, perTensor, target, keepFp32, className, modelName,
                    sourceSha256, budget, validation, smoothQuantAlpha, true, true);
        }

        public Options(Precision precision, Tensor calibration, String method, String activations, boolean perTensor,
                       Target target, List<String> keepFp32, String className, String modelName,
                       String sourceSha256) {
            this(precision, calibration, method, activations, perTensor, target, keepFp32, className, modelName,
                    sourceSha256, null, null, null);
        }
    }

    /**
     * The outcome: the prepared float graph (the "before"), the graph that was compiled, the artifact, the names of
     * the quantizable layers left in float, and for static quantization the pieces the quality report needs.
     */
    public record Result(Graph prepared, Graph compiled, CompiledModel artifact, List<String> floatLayers,
                         StaticQuantizer.Result quantization, InsertQdqPass.Config config,
                         MixedPrecision.Selection selection) {
        /** Per-tensor and per-layer SQNR measured on {@code data}; null when the model was not statically quantized. */
        public QualityReport quality(Tensor data) {
            return quantization == null ? null : quantization.report(config, data);
        }
    }

    /** A request that cannot be carried out as given (exit 2 from the CLI). */
    public static final class OptionException extends RuntimeException {
        private final String hint;

        public OptionException(String message, String hint) {
            super(message);
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }

    private ModelCompilation() {
    }

    public static Result compile(Graph source, Options options, QuantizationProgress progress) {
        Graph prepared = source.copy();
        PassManager.of(StaticQuantizer.PREPARE).run(prepared);
        boolean qat = isQdq(source);
        LayerSelector keep = new LayerSelector(options.keepFp32());
        List<Node> layers = quantizableLayers(prepared);
        StaticQuantizer.Result quantization = null;
        InsertQdqPass.Config config = null;
        MixedPrecision.Selection selection = null;
        Graph compiled;
        switch (options.precision()) {
            case FP32 -> compiled = prepared;
            case DYNAMIC -> {
                rejectKeep(options, "dynamic");
                compiled = StaticQuantizer.quantizeDynamic(source);
            }
            case INT8, MIXED -> {
                if (qat) {
                    rejectKeep(options, "a quantization-aware-trained (QDQ) model, which keeps its own scales");
                    compiled = StaticQuantizer.lowerQdq(source);
                } else {
                    boolean automatic = options.precision() == Precision.MIXED && options.keepFp32().isEmpty();
                    if (automatic && (options.budget() == null || options.validation() == null)) {
                        throw new OptionException("--precision mixed needs an accuracy budget (--max-accuracy-drop "
                                + "with --validation and --labels) or the layers to keep in float (--keep-fp32)",
                                "the layers are: " + names(layers));
                    }
                    List<String> unmatched = keep.unmatched(layers);
                    if (!unmatched.isEmpty()) {
                        throw new OptionException("--keep-fp32 " + String.join(",", unmatched)
                                + " matches no quantizable layer", "the layers are: " + names(layers));
                    }
                    if (options.calibration() == null) {
                        throw new OptionException("static int8 needs calibration samples (--calibration, or <calibration> in the Maven plugin)",
                                "a few hundred representative inputs suffice; or use --precision dynamic");
                    }
                    config = staticConfig(options.method(), options.activations(), options.perTensor(),
                            options.biasCorrection());
                    Graph floatSource = source;
                    if (options.smoothQuantAlpha() != null) {
                        floatSource = prepared.copy();
                        SmoothQuant.apply(floatSource, options.calibration(), options.smoothQuantAlpha());
                    }
                    if (automatic) {
                        StaticQuantizer.Calibrated calibrated = StaticQuantizer.calibrate(floatSource,
                                options.calibration(), progress);
                        selection = MixedPrecision.select(calibrated, config, options.validation(), options.budget(),
                                options.target(), progress);
                        quantization = selection.result();
                        keep = new LayerSelector(selection.keepFloat());
                    } else {
                        quantization = StaticQuantizer.quantize(floatSource, options.calibration(), config,
                                keep::matches, progress);
                    }
                    compiled = quantization.graph();
                }
            }
            default -> throw new IllegalStateException(options.precision().toString());
        }
        List<String> floatLayers = options.precision() == Precision.FP32 ? names(layers)
                : layers.stream().filter(keep::matches).map(ModelCompilation::layerName).toList();
        CompiledModel artifact = JvmCompiler.compile(compiled, new JvmCompiler.Options(options.className(),
                options.target(), options.modelName(), options.precision().id(), options.sourceSha256(),
                options.nativeKernels()));
        return new Result(prepared, compiled, artifact, floatLayers, quantization, config, selection);
    }

    /** The static quantization options of the CLI's flags. */
    public static InsertQdqPass.Config staticConfig(String method, String activations, boolean perTensor,
            boolean biasCorrection) {
        return new InsertQdqPass.Config(rangeMethod(method), scheme(activations), !perTensor, biasCorrection);
    }

    /** Whether the graph already carries Q/DQ pairs (a QAT or pre-quantized export). */
    public static boolean isQdq(Graph g) {
        return g.nodes().stream().anyMatch(n -> n.op().equals("QuantizeLinear") || n.op().equals("DequantizeLinear"));
    }

    /** int8 when the graph computes with integer ops, qdq when it carries Q/DQ pairs only, else fp32. */
    public static String precisionOf(Graph g) {
        if (g.nodes().stream().anyMatch(n -> n.op().endsWith("Integer"))) {
            return "int8";
        }
        return isQdq(g) ? "qdq" : "fp32";
    }

    /** Layers static quantization can turn into int8: Conv/Gemm/MatMul with a constant weight. */
    static List<Node> quantizableLayers(Graph prepared) {
        var producers = prepared.producers();
        return prepared.nodes().stream().filter(QuantTargets::isQuantizable).filter(n -> {
            Node w = n.inputs().size() > 1 && n.input(1) != null ? producers.get(n.input(1)) : null;
            return w != null && w.op().equals("Constant");
        }).toList();
    }

    static String layerName(Node n) {
        return n.name() != null ? n.name() : n.output(0).name();
    }

    private static List<String> names(List<Node> layers) {
        return layers.stream().map(ModelCompilation::layerName).toList();
    }

    private static void rejectKeep(Options options, String what) {
        if (!options.keepFp32().isEmpty()) {
            throw new OptionException("--keep-fp32 does not apply to " + what, null);
        }
    }

    private static RangeMethod rangeMethod(String method) {
        try {
            return RangeMethod.parse(method);
        } catch (IllegalArgumentException e) {
            throw new OptionException("--calibrate: " + e.getMessage(), "minmax, percentile:99.99, entropy or mse");
        }
    }

    private static QuantScheme scheme(String activations) {
        return switch (activations.toLowerCase(Locale.ROOT)) {
            case "u8" -> QuantScheme.U8_ASYMMETRIC;
            case "i8" -> QuantScheme.I8_ASYMMETRIC;
            case "i8-symmetric" -> QuantScheme.I8_SYMMETRIC;
            default -> throw new OptionException("--activations must be u8, i8 or i8-symmetric, got '" + activations
                    + "'", null);
        };
    }
}
