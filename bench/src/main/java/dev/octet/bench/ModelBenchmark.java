package dev.octet.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.backends.jvm.Target;
import dev.octet.frontend.ModelLoader;
import dev.octet.frontend.NpyFormat;
import dev.octet.frontend.onnx.QdqExport;
import dev.octet.ir.Graph;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.passes.PassManager;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.StaticQuantizer;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The project's Fashion-MNIST models and a ResNet-18-shaped CNN (224x224, random weights), one thread, per batch:
 * Octet's generated fp32 and int8 classes (static int8 for the CNNs and the MLP, dynamic for the transformer) and
 * ONNX Runtime Java on the same ONNX file (fp32) and on our static int8 graph exported as QDQ ONNX (int8 weights as
 * u8 with zero point 128, see QdqExport). Run from the repository root (or set -Doctet.testdata and -Doctet.build)
 * after {@code /usr/bin/python3 testdata/scripts/make_resnet18.py}, which writes build/resnet18.onnx.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ModelBenchmark {
    @Param({"mlp", "cnn", "transformer", "resnet18"})
    public String model;

    @Param({"octet-f32", "octet-int8", "ort-f32", "ort-int8"})
    public String engine;

    @Param({"1", "64"})
    public int batch;

    private MethodHandle predict;
    private OrtEnvironment env;
    private OrtSession session;
    private OnnxTensor ortInput;
    private String inputName;
    private float[] in;
    private float[] out;

    @Setup
    public void setup() throws Exception {
        Path testdata = Path.of(System.getProperty("octet.testdata", "testdata"));
        Path build = Path.of(System.getProperty("octet.build", "build"));
        boolean resnet = model.equals("resnet18");
        Path onnx = resnet ? build.resolve("resnet18.onnx") : testdata.resolve("models/fashion-" + model + ".onnx");
        Path calibration = resnet ? build.resolve("resnet18-calib.npy") : testdata.resolve("data/fashion-calib-500.npy");
        if (!Files.exists(onnx) || !Files.exists(calibration)) {
            throw new IllegalStateException(onnx + " or " + calibration
                    + " is missing: run /usr/bin/python3 testdata/scripts/make_resnet18.py first");
        }
        Tensor images = resnet ? cycledRows(NpyFormat.read(calibration), batch)
                : NpyFormat.read(testdata.resolve("data/fashion-test-1000.npy")).rows(0, batch);
        in = images.floats();
        Graph g = ModelLoader.load(onnx);
        inputName = g.inputs().get(0).name();
        int classes = resnet ? 1000 : 10;
        switch (engine) {
            case "octet-f32" -> {
                PassManager.of(StaticQuantizer.PREPARE).run(g);
                bind(g, classes);
            }
            case "octet-int8" -> bind(model.equals("transformer") ? StaticQuantizer.quantizeDynamic(g)
                    : staticInt8(g, calibration), classes);
            case "ort-f32" -> ort(onnx, images);
            case "ort-int8" -> {
                Path qdq = Files.createTempFile("octet-bench-" + model, ".onnx");
                QdqExport.write(staticInt8(g, calibration), qdq);
                ort(qdq, images);
                Files.delete(qdq);
            }
            default -> throw new IllegalArgumentException(engine);
        }
    }

    /** {@code count} samples, taking the rows of {@code t} in turn. */
    private static Tensor cycledRows(Tensor t, int count) {
        long[] dims = t.shape().sizes();
        int per = (int) (t.size() / dims[0]);
        float[] src = t.floats();
        float[] out = new float[count * per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(src, (int) (i % dims[0]) * per, out, i * per, per);
        }
        dims[0] = count;
        return Tensor.ofFloats(Shape.of(dims), out);
    }

    /**
     * Static int8 with the default options, but without bias correction for ResNet-18: it evaluates both models
     * in the reference evaluator once per layer (minutes for 21 layers at 224x224), and the weights are random.
     */
    private Graph staticInt8(Graph g, Path calibration) {
        InsertQdqPass.Config config = InsertQdqPass.Config.DEFAULT.withBiasCorrection(!model.equals("resnet18"));
        return StaticQuantizer.quantize(g, NpyFormat.read(calibration), config).graph();
    }

    private void bind(Graph g, int classes) throws ReflectiveOperationException {
        Object m = JvmCompiler.load(g, Target.AUTO);
        predict = MethodHandles.publicLookup().findVirtual(m.getClass(), "predict",
                MethodType.methodType(void.class, float[].class, int.class, float[].class)).bindTo(m);
        out = new float[batch * classes];
    }

    private void ort(Path file, Tensor images) throws OrtException {
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        session = env.createSession(file.toString(), options);
        ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(images.floats()), images.shape().sizes());
    }

    @Benchmark
    public Object run() throws Throwable {
        if (predict != null) {
            predict.invokeExact(in, batch, out);
            return out;
        }
        try (OrtSession.Result r = session.run(Map.of(inputName, ortInput))) {
            return ((float[][]) r.get(0).getValue())[0][0];
        }
    }

    @TearDown
    public void close() throws OrtException, IOException {
        if (session != null) {
            ortInput.close();
            session.close();
        }
    }
}
