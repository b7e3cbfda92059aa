package dev.octet.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.StaticQuantizer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The static int8 graphs of the test models, exported as standard QDQ ONNX and run in ONNX Runtime Java (graph
 * optimizations on, so its own int8 kernels run): every int8 activation agrees with the reference evaluator on at
 * least 99% of elements exactly and on all within one quantization step.
 */
class QdqExportTest {
    static final Path TESTDATA = Path.of(System.getProperty("octet.testdata"));

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"fashion-mlp", "fashion-cnn"})
    void onnxRuntimeAgreesOnInt8Activations(String model) throws Exception {
        Graph f = OnnxReader.read(TESTDATA.resolve("models/" + model + ".onnx"));
        Tensor calibration = NpyFormat.read(TESTDATA.resolve("data/fashion-calib-500.npy"));
        Graph q = StaticQuantizer.quantize(f, calibration, InsertQdqPass.Config.DEFAULT).graph();
        // Expose every int8 activation (the result of each requantization) as an output, in both runtimes.
        List<Value> int8 = q.nodes().stream().filter(n -> n.op().equals("Requantize")).map(n -> n.output(0)).toList();
        List<Value> outputs = new ArrayList<>(q.outputs());
        outputs.addAll(int8);
        q.setOutputs(outputs);
        Path file = dir.resolve("int8.onnx");
        QdqExport.write(q, file);

        Tensor images = NpyFormat.read(TESTDATA.resolve("data/fashion-test-1000.npy"));
        Tensor x = Tensor.of(TensorType.of(ElementType.F32, Shape.of(200, 1, 28, 28)),
                java.util.Arrays.copyOf(images.floats(), 200 * 784));
        List<Tensor> ours = new ReferenceEvaluator(q).run(List.of(x));
        long total = 0;
        long exact = 0;
        long worst = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(file.toString(), options);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.floats()), x.shape().sizes());
                 OrtSession.Result result = session.run(Map.of(q.inputs().getFirst().name(), t))) {
                for (int i = 1; i < outputs.size(); i++) {
                    ByteBuffer b = ((OnnxTensor) result.get(i)).getByteBuffer();
                    Tensor mine = ours.get(i);
                    for (int e = 0; e < mine.size(); e++) {
                        long d = Math.abs((b.get(e) & 0xFF) - mine.getLong(e));
                        exact += d == 0 ? 1 : 0;
                        worst = Math.max(worst, d);
                        total++;
                    }
                }
            }
        }
        System.out.printf("%s: %d int8 activations in %d tensors, %.3f%% identical in ONNX Runtime, max difference %d%n",
                model, total, int8.size(), 100.0 * exact / total, worst);
        assertTrue(exact >= 0.99 * total, "identical " + exact + " of " + total);
        assertTrue(worst <= 1, "largest difference " + worst + " steps");
        assertTrue(int8.size() >= 2, "the model has requantized layers");
    }
}
