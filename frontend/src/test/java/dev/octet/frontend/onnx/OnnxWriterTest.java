package dev.octet.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.ir.text.IrTextParser;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Graphs written by {@link OnnxWriter} load in ONNX Runtime and give our reference evaluator's outputs (within
 * 1e-4 of the row's largest value), and read back by {@link OnnxReader} they compute the same bits.
 */
class OnnxWriterTest {
    static final Path TESTDATA = Path.of(System.getProperty("octet.testdata"));

    @TempDir
    Path dir;

    static Graph load(String model) {
        Path p = TESTDATA.resolve("models").resolve(model);
        Graph g = model.endsWith(".oir") ? IrTextParser.parseFile(p) : OnnxReader.read(p);
        return model.contains("int8") ? withSevenBitWeights(g) : g;
    }

    /**
     * ONNX Runtime's u8 x s8 MatMulInteger on x86 adds adjacent products in saturating 16-bit lanes, so with
     * full-range int8 weights it differs from exact int32 arithmetic (measured: up to 0.44 on mlp-tiny-int8, all
     * differences explained by pair saturation). With weights in [-64, 63] (ORT's reduce_range) no pair can
     * saturate, and the comparison is exact.
     */
    static Graph withSevenBitWeights(Graph g) {
        for (dev.octet.ir.Node n : List.copyOf(g.nodes())) {
            Tensor t = n.op().equals("Constant") ? n.attributes().getTensor("value") : null;
            if (t != null && t.elementType() == ElementType.I8) {
                byte[] half = t.bytes().clone();
                for (int i = 0; i < half.length; i++) {
                    half[i] = (byte) (half[i] >> 1);
                }
                g.replace(n, List.of(n.withAttributes(dev.octet.ir.Attributes.builder()
                        .put("value", Tensor.of(t.type(), half)).build())));
            }
        }
        return g;
    }

    static Tensor inputFor(Graph g) {
        long[] dims = g.inputs().getFirst().type().shape().dims().stream()
                .mapToLong(d -> d.isFixed() ? d.size() : 64).toArray();
        if (dims.length == 4) {
            Tensor images = NpyFormat.read(TESTDATA.resolve("data/fashion-test-1000.npy"));
            return Tensor.of(TensorType.of(ElementType.F32, Shape.of(dims)),
                    java.util.Arrays.copyOf(images.floats(), 64 * 784));
        }
        return Tensor.random(TensorType.of(ElementType.F32, Shape.of(dims)), 17).withLiteral(null);
    }

    @org.junit.jupiter.api.Test
    void fusedOpsAreWrittenAsStandardOnnx() throws OrtException {
        Graph g = load("fashion-cnn.onnx");
        dev.octet.passes.PassManager.of("fold-batchnorm,fuse-activation,dce").run(g);
        assertTrue(g.nodes().stream().anyMatch(n -> n.op().equals("FusedConv")));
        Path file = dir.resolve("fused.onnx");
        OnnxWriter.write(g, file);
        Graph back = OnnxReader.read(file);
        assertTrue(back.nodes().stream().noneMatch(n -> n.op().startsWith("Fused")));
        Tensor x = inputFor(g);
        float[] ours = new ReferenceEvaluator(g).run(List.of(x)).getFirst().floats();
        float[] ort = runInOnnxRuntime(file, g.inputs().getFirst().name(), x, true);
        for (int i = 0; i < ours.length; i++) {
            assertEquals(ours[i], ort[i], 1e-4 * Math.max(1, Math.abs(ours[i])));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp-tiny.oir", "mlp-tiny-int8.oir", "fashion-mlp.onnx", "fashion-cnn.onnx",
            "fashion-transformer.onnx", "fashion-cnn-qat.onnx"})
    void writtenModelsRunInOnnxRuntimeAndReadBackExactly(String model) throws OrtException {
        Graph g = load(model);
        Path file = dir.resolve("written.onnx");
        OnnxWriter.write(g, file);
        Tensor x = inputFor(g);
        float[] ours = new ReferenceEvaluator(g).run(List.of(x)).getFirst().floats();

        float[] again = new ReferenceEvaluator(OnnxReader.read(file)).run(List.of(x)).getFirst().floats();
        assertEquals(java.util.Arrays.toString(ours), java.util.Arrays.toString(again), "read back, bit for bit");

        // ONNX Runtime rewrites QDQ graphs into its own integer kernels (u8 x s8, see withSevenBitWeights), which
        // is not the QDQ graph's defined float semantics; to check the file itself, run it as written.
        boolean qdq = g.nodes().stream().anyMatch(n -> n.op().equals("QuantizeLinear"));
        float[] ort = runInOnnxRuntime(file, g.inputs().getFirst().name(), x, !qdq);
        assertEquals(ours.length, ort.length);
        int cols = (int) g.outputs().getFirst().type().shape().size(g.outputs().getFirst().type().rank() - 1);
        double worst = 0;
        for (int r = 0; r < ours.length / cols; r++) {
            double scale = 1e-6;
            for (int c = 0; c < cols; c++) {
                scale = Math.max(scale, Math.abs(ours[r * cols + c]));
            }
            for (int c = 0; c < cols; c++) {
                worst = Math.max(worst, Math.abs(ours[r * cols + c] - ort[r * cols + c]) / scale);
            }
        }
        System.out.printf("%s: ONNX Runtime vs reference evaluator, max deviation %.2e%n", model, worst);
        assertTrue(worst <= 1e-4, model + ": deviation " + worst);
    }

    static float[] runInOnnxRuntime(Path file, String input, Tensor x, boolean optimize) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            if (!optimize) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            }
            try (OrtSession session = env.createSession(file.toString(), options);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.floats()), x.shape().sizes());
                 OrtSession.Result result = session.run(Map.of(input, t))) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] y = new float[out.remaining()];
                out.get(y);
                return y;
            }
        }
    }
}
