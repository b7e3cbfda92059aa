package dev.octet.api;

import dev.octet.backends.jvm.ClassNames;
import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.frontend.ModelLoader;
import dev.octet.frontend.ModelSource;
import dev.octet.ir.Dim;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import dev.octet.passes.quant.QuantizationProgress;
import dev.octet.runtime.OctetModel;
import java.nio.file.Path;
import java.util.List;

/**
 * Compiling models from Java. {@link #compile} gives a {@link ModelCompilation.Result} whose
 * {@code artifact()} writes a jar ({@code writeJar}) or a classes directory ({@code writeClasses}); {@link #load}
 * compiles and defines the class in-process as a hidden class and returns a ready {@link OctetModel}.
 *
 * <pre>{@code
 * OctetModel model = Octet.load(Path.of("fashion-cnn.onnx"), CompileOptions.builder()
 *         .precision(Precision.INT8).calibration(Path.of("calib.npy")).build());
 * float[] logits = model.predict(image);
 * }</pre>
 *
 * Errors: {@link ModelCompilation.OptionException} for options that do not fit the model (e.g. static int8 without
 * calibration), {@link SampleFiles.DataException} for unusable calibration data, and the readers' and backend's
 * own exceptions ({@code IrException}, {@code CodegenException}) for models that cannot be read or compiled; each
 * message names the file or node.
 */
public final class Octet {
    private Octet() {
    }

    /** Reads and compiles a model file ({@code .onnx} or {@code .oir}). */
    public static ModelCompilation.Result compile(Path model, CompileOptions options) {
        return compile(model, options, QuantizationProgress.NONE);
    }

    /** As {@link #compile(Path, CompileOptions)}, reporting the progress of calibration and bias correction. */
    public static ModelCompilation.Result compile(Path model, CompileOptions options, QuantizationProgress progress) {
        ModelSource source = ModelLoader.read(model);
        Graph graph = source.graph();
        String modelName = baseName(model);
        String className = options.className() != null ? options.className() : defaultClassName(modelName);
        return ModelCompilation.compile(graph, internal(graph, options, className, modelName, source.sha256()),
                progress);
    }

    /**
     * The files a model is read from: the model file, then its data files (ONNX external data, {@code .oir} side
     * files). The compiled class's {@code sourceSha256} covers all of them.
     */
    public static List<Path> sourceFiles(Path model) {
        return ModelLoader.read(model).files();
    }

    /** Compiles an IR graph (its name is the model name; no source hash). */
    public static ModelCompilation.Result compile(Graph graph, CompileOptions options) {
        String className = options.className() != null ? options.className() : defaultClassName(graph.name());
        return ModelCompilation.compile(graph, internal(graph, options, className, graph.name(), ""),
                QuantizationProgress.NONE);
    }

    /** Compiles a model file and loads it in-process (a hidden class: {@code className} is ignored). */
    public static OctetModel load(Path model, CompileOptions options) {
        CompileOptions hidden = options.withClassName(JvmCompiler.hiddenClassName(baseName(model)));
        return JvmCompiler.instantiate(compile(model, hidden).artifact());
    }

    /** Compiles an IR graph and loads it in-process (a hidden class: {@code className} is ignored). */
    public static OctetModel load(Graph graph, CompileOptions options) {
        CompileOptions hidden = options.withClassName(JvmCompiler.hiddenClassName(graph.name()));
        return JvmCompiler.instantiate(compile(graph, hidden).artifact());
    }

    /** {@code dev.octet.models.FashionCnn} for a model file named {@code fashion-cnn.onnx}. */
    public static String defaultClassName(String modelName) {
        return "dev.octet.models." + ClassNames.javaIdentifier(modelName);
    }

    /** The shape of one sample of the graph's only input (the leading batch dimension dropped). */
    public static long[] sampleShape(Graph g) {
        if (g.inputs().size() != 1) {
            throw new ModelCompilation.OptionException("the model has " + g.inputs().size()
                    + " inputs; Octet compiles models with one input", null);
        }
        Value in = g.inputs().getFirst();
        List<Dim> dims = in.type().shape().dims();
        long[] shape = new long[Math.max(dims.size() - 1, 0)];
        for (int i = 1; i < dims.size(); i++) {
            if (!dims.get(i).isFixed()) {
                throw new ModelCompilation.OptionException("input %" + in.name() + " " + in.type()
                        + " has a symbolic dimension besides the batch", null);
            }
            shape[i - 1] = dims.get(i).size();
        }
        return shape;
    }

    static String baseName(Path file) {
        String f = file.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    private static ModelCompilation.Options internal(Graph graph, CompileOptions o, String className,
                                                     String modelName, String sha256) {
        long[] shape = sampleShape(graph);
        Tensor calibration = o.calibration() == null ? null : SampleFiles.read(o.calibration(), shape);
        LabeledSamples validation = o.validation() != null && o.labels() != null
                ? LabeledSamples.read(o.validation(), o.labels(), shape) : null;
        return new ModelCompilation.Options(o.precision(), calibration, o.method(), o.activations(), o.perTensor(),
                o.target(), o.keepFp32(), className, modelName, sha256, o.budget(), validation, o.smoothQuant(),
                o.nativeKernels(), o.biasCorrection());
    }
}
