package dev.octet.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.octet.api.LabeledSamples;
import dev.octet.api.MixedPrecision;
import dev.octet.api.Octet;
import dev.octet.api.SampleFiles;
import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.backends.jvm.Target;
import dev.octet.cli.data.LabeledData;
import dev.octet.cli.eval.BeforeAfterTable;
import dev.octet.cli.eval.EvalReport;
import dev.octet.cli.eval.HeapPeak;
import dev.octet.cli.inspect.ModelSummary;
import dev.octet.api.ModelCompilation;
import dev.octet.cli.model.ModelOpener;
import dev.octet.api.Precision;
import dev.octet.cli.model.RunnableModel;
import dev.octet.cli.report.HtmlReport;
import dev.octet.frontend.ModelSource;
import dev.octet.frontend.onnx.OnnxWriter;
import dev.octet.frontend.onnx.QdqExport;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.passes.quant.QualityReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code octet compile}: a model to a jar holding one generated class (or, with {@code -o X.onnx}, the quantized
 * model as QDQ ONNX). With {@code --validation} and {@code --labels} it also measures the float model and the
 * compiled one on that data and prints the before/after table.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile a model (.onnx or .oir) to a jar with one self-contained class (or to QDQ ONNX).")
final class CompileCommand implements Callable<Integer> {
    /** Where the jar keeps what inspect and eval read back. */
    static final String SUMMARY_ENTRY = "META-INF/octet/summary.json";
    static final String QUALITY_ENTRY = "META-INF/octet/quality.json";
    /** Samples the quality report (per-layer SQNR) is measured on, at most. */
    private static final int QUALITY_SAMPLES = 200;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.onnx or .oir).")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.jar",
            description = "The jar to write (or OUT.onnx: the quantized model as QDQ ONNX).")
    Path output;

    @Option(names = "--class", paramLabel = "NAME",
            description = "Binary name of the generated class (default: dev.octet.models.<ModelFileName>).")
    String className;

    @Option(names = "--precision", defaultValue = "int8", paramLabel = "P",
            description = "fp32, int8 (static; needs --calibration unless the model is QDQ), dynamic, or mixed "
                    + "(int8 with the --keep-fp32 layers in float). Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--calibration", paramLabel = "X.npy|IDX",
            description = "Calibration samples [N, ...] (.npy float32, or IDX images scaled to [0, 1]).")
    Path calibration;

    @Mixin
    RangeOptions ranges;

    @Option(names = "--target", defaultValue = "auto", paramLabel = "T",
            description = "auto, avx512-vnni, avx2, neon-dot or scalar. Default: ${DEFAULT-VALUE}.")
    String target;

    @Option(names = "--no-native", description = "Keep int8 products on the bytecode (Vector API) kernels: the "
            + "class never installs the run-time AVX2 / AVX-512 VNNI machine code.")
    boolean noNative;

    @Option(names = "--keep-fp32", split = ",", paramLabel = "LAYER_OR_GLOB",
            description = "Layers to leave in float (names or globs, e.g. /conv1/Conv,*fc2*).")
    List<String> keepFp32 = new ArrayList<>();

    @Option(names = "--validation", paramLabel = "X.npy|IDX",
            description = "Labelled samples to measure the model before and after on (with --labels).")
    Path validation;

    @Option(names = "--labels", paramLabel = "Y.npy|IDX", description = "Labels of --validation.")
    Path labels;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N",
            description = "Batch size for the throughput figure. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--max-accuracy-drop", paramLabel = "POINTS",
            description = "With --precision mixed: keep the fewest layers in float that hold the top-1 drop on "
                    + "--validation under this many points (layers tried by measured sensitivity).")
    Double maxAccuracyDrop;

    @Option(names = "--max-class-drop", paramLabel = "POINTS",
            description = "With --precision mixed: also no single class may lose more than this many points.")
    Double maxClassDrop;

    @Option(names = "--min-int8-macs", defaultValue = "0.5", paramLabel = "FRACTION",
            description = "With --precision mixed: fail rather than keep less than this share of MACs in int8. "
                    + "Default: ${DEFAULT-VALUE}.")
    double minInt8Macs;

    @Option(names = "--smooth-quant", paramLabel = "ALPHA",
            description = "Migrate activation outliers into the weights before static int8 (SmoothQuant; alpha in "
                    + "[0, 1], 0.5 usual): for MatMul/Gemm layers fed by a LayerNorm.")
    Double smoothQuant;

    @Option(names = "--report", paramLabel = "report.html",
            description = "Write an HTML report: per-layer SQNR, and with --validation per-class accuracy and latency.")
    Path report;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = common.progress(spec);
        Precision p = parsePrecision();
        Target t = parseTarget(target);
        String ext = extension(output);
        if (!ext.equals("jar") && !ext.equals("onnx")) {
            throw new Main.UserError("-o " + output + ": the output must be a .jar (or .onnx for QDQ ONNX)", true);
        }
        if ((validation == null) != (labels == null)) {
            throw new Main.UserError("--validation and --labels go together", true);
        }
        if (batch < 1) {
            throw new Main.UserError("--batch must be at least 1, got " + batch, true);
        }
        if (p == Precision.FP32 || p == Precision.DYNAMIC) {
            // Range choices only shape static int8; ignoring them would leave the user believing they applied.
            List<String> rangeFlags = Stream.of("--calibrate", "--activations", "--per-tensor", "--no-bias-correction")
                    .filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
            if (!rangeFlags.isEmpty()) {
                throw new Main.UserError("--precision " + p.id() + " takes no static int8 range options ("
                        + String.join(", ", rangeFlags) + "); they apply to --precision int8 or mixed", true);
            }
        }
        ModelSource modelSource = Commands.readModel(model);
        Graph source = modelSource.graph();
        long[] sampleShape = Commands.sampleShape(source, model);
        Tensor calib = null;
        if (calibration != null) {
            Commands.requireFile(calibration, "calibration");
            calib = SampleFiles.read(calibration, sampleShape);
        }
        LabeledData valid = null;
        if (validation != null) {
            Commands.requireFile(validation, "validation");
            Commands.requireFile(labels, "labels");
            valid = LabeledData.read(validation, labels, sampleShape, outputClasses(source));
        }
        String name = className != null ? className : Octet.defaultClassName(baseName(model));
        if ((maxAccuracyDrop != null || maxClassDrop != null) && (p != Precision.MIXED || valid == null)) {
            throw new Main.UserError("--max-accuracy-drop and --max-class-drop choose a mixed precision: they need "
                    + "--precision mixed, --validation and --labels", true);
        }
        if (maxClassDrop != null && maxAccuracyDrop == null) {
            throw new Main.UserError("--max-class-drop needs --max-accuracy-drop too", true);
        }
        MixedPrecision.Budget budget = maxAccuracyDrop == null ? null
                : new MixedPrecision.Budget(maxAccuracyDrop, maxClassDrop, minInt8Macs);
        ModelCompilation.Options options = new ModelCompilation.Options(p, calib, ranges.method, ranges.activations, ranges.perTensor, t,
                keepFp32, name, baseName(model), modelSource.sha256(), budget,
                valid == null ? null : new LabeledSamples(valid.samples(), valid.labels()), smoothQuant, !noNative,
                !ranges.noBiasCorrection);
        ModelCompilation.Result result;
        try {
            result = ModelCompilation.compile(source, options, progress.quantization());
        } catch (ModelCompilation.OptionException e) {
            throw new Main.UserError(e.getMessage(), true, e.hint());
        } catch (MixedPrecision.BudgetException e) {
            throw new Main.UserError(e.getMessage(), false,
                    "relax --max-accuracy-drop/--max-class-drop or lower --min-int8-macs");
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(name + ": " + e.getMessage(), true);
        }

        QualityReport quality = null;
        if (report != null && result.quantization() != null) {
            Tensor data = valid != null ? valid.samples() : calib;
            quality = result.quality(data.rows(0, (int) Math.min(QUALITY_SAMPLES, data.shape().size(0))));
        }
        ModelSummary summary = ModelSummary.of(baseName(model), p.id(), result.compiled());
        if (ext.equals("onnx")) {
            if (p == Precision.FP32) {
                OnnxWriter.write(result.compiled(), output);
            } else {
                QdqExport.write(result.compiled(), output);
            }
            out.printf("wrote %s (%s QDQ ONNX, %s)%n", output, p.id(), BeforeAfterTable.bytes(Files.size(output)));
        } else {
            Map<String, byte[]> extras = new LinkedHashMap<>();
            extras.put(SUMMARY_ENTRY, summary.toJson().getBytes(StandardCharsets.UTF_8));
            if (quality != null) {
                extras.put(QUALITY_ENTRY, quality.toJson().getBytes(StandardCharsets.UTF_8));
            }
            result.artifact().writeJar(output, extras);
            out.printf("wrote %s: class %s, %s, target %s, %s (source %s)%n", output, name, p.id(), t.id(),
                    BeforeAfterTable.bytes(Files.size(output)), BeforeAfterTable.bytes(modelSource.bytes()));
        }
        out.printf("%d of %d layers in int8 (%.1f%% of MACs)%s%n", summary.layers().stream()
                        .filter(l -> l.precision().equals("int8")).count(), summary.layers().size(),
                summary.macs() == 0 ? 0.0 : 100.0 * summary.int8Macs() / summary.macs(),
                result.floatLayers().isEmpty() || p == Precision.FP32 ? ""
                        : "; kept in float: " + String.join(", ", result.floatLayers()));

        if (result.selection() != null) {
            MixedPrecision.Selection sel = result.selection();
            out.printf(Locale.ROOT, "mixed precision: %.2f%% -> %.2f%% on the validation data (%.2f pt, budget %.2f), "
                    + "%.1f%% of MACs in int8%n", 100 * sel.floatAccuracy(), 100 * sel.accuracy(),
                    100 * (sel.accuracy() - sel.floatAccuracy()), maxAccuracyDrop, 100 * sel.int8MacShare());
            for (MixedPrecision.LayerChoice c : sel.layers()) {
                out.printf(Locale.ROOT, "  %-5s %5.1f%% of MACs  %-28s %s%n", c.precision(), 100 * c.macShare(),
                        c.name(), c.reason());
            }
        }
        EvalReport eval = null;
        if (valid != null) {
            HeapPeak.reset();
            RunnableModel before = ModelOpener.openGraph(model, source, t);
            RunnableModel after = ext.equals("jar") ? ModelOpener.openJar(output) : ModelOpener.open(output, t);
            EvalReport.Measured b = Commands.measure(before, valid, batch, progress);
            EvalReport.Measured a = Commands.measure(after, valid, batch, progress);
            JsonElement q = quality == null ? null : JsonParser.parseString(quality.toJson());
            eval = EvalReport.of(a, b, HeapPeak.bytes(), q);
            out.printf("%non %d samples of %s:%n", valid.size(), validation.getFileName());
            BeforeAfterTable.print(out, eval.baseline(), eval.side(), eval.agreement(), batch);
        }
        if (report != null) {
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("model", model.toString());
            facts.put("output", output + " (" + BeforeAfterTable.bytes(Files.size(output)) + ")");
            facts.put("class", name);
            facts.put("precision", p.id() + (p == Precision.FP32 ? "" : ", calibration " + ranges.method
                    + ", activations " + ranges.activations + (ranges.perTensor ? ", per-tensor weights"
                    : ", per-channel weights")));
            facts.put("target", t.id());
            facts.put("int8 share of MACs", String.format(Locale.ROOT, "%.1f%%",
                    summary.macs() == 0 ? 0.0 : 100.0 * summary.int8Macs() / summary.macs()));
            facts.put("layers kept in float", String.join(", ", result.floatLayers()));
            MixedPrecision.Selection sel = result.selection();
            Commands.writeText(report, HtmlReport.render("Octet compile report: " + baseName(model), facts, eval,
                    quality == null ? null : JsonParser.parseString(quality.toJson()),
                    sel == null ? null : sel.sensitivity(), sel == null ? null : sel.layers()));
            out.printf("wrote %s%n", report);
        }
        out.flush();
        return 0;
    }

    private Precision parsePrecision() {
        try {
            return Precision.valueOf(precision.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--precision must be fp32, int8, dynamic or mixed, got '" + precision + "'", true);
        }
    }

    static Target parseTarget(String id) {
        try {
            return Target.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--target: " + e.getMessage(), true);
        }
    }

    /** Classes of a classifier: the size of the last dimension of the first output. */
    static int outputClasses(Graph g) {
        var shape = g.outputs().getFirst().type().shape();
        if (shape.rank() == 0 || !shape.dim(shape.rank() - 1).isFixed()) {
            throw new Main.UserError("the first output " + g.outputs().getFirst().type()
                    + " is not a classifier's [N, classes]", false);
        }
        return (int) shape.size(shape.rank() - 1);
    }

    static String baseName(Path file) {
        String f = file.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    private static String extension(Path file) {
        String f = file.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot < 0 ? "" : f.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
