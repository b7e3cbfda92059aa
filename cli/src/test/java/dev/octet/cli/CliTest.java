package dev.octet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the octet command in-process as a user would, checking output, errors and exit codes. */
class CliTest {
    private static final Path TESTDATA = Path.of(System.getProperty("octet.testdata"));
    private static final String MODEL = TESTDATA.resolve("models/mlp-tiny.oir").toString();
    private static final String INPUT = TESTDATA.resolve("models/mlp-tiny.input.npy").toString();

    record Result(int exit, String out, String err) {
    }

    private static Result octet(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void optPrintsTheOptimizedIr() {
        Result r = octet("opt", TESTDATA.resolve("passes/pipeline.oir").toString(),
                "--passes", "remove-identity,cse,fold-constants,dce");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("%std = Constant() {value = dense<f32[3], [1.0, 1.0, 1.0]>}"), r.out());
        assertTrue(!r.out().contains("Identity"), r.out());
    }

    @Test
    void optPrintsAfterEveryPassAndListsPasses() {
        Result r = octet("opt", MODEL, "--passes", "fold-constants,dce", "--print-after-all");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("// ----- IR after fold-constants -----"), r.out());
        assertTrue(r.out().contains("// ----- IR after dce -----"), r.out());
        Result list = octet("opt", "--list-passes");
        assertTrue(list.out().contains("fold-constants") && list.out().contains("max-elements"), list.out());
    }

    @Test
    void optWritesIrWithASideFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("folded.oir");
        Result r = octet("opt", MODEL, "--passes", "fold-constants", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(0, octet("opt", out.toString()).exit());
    }

    @Test
    void runEvaluatesAndWritesNpy(@TempDir Path dir) {
        Path out = dir.resolve("y.npy");
        Result r = octet("run", MODEL, "--input", INPUT, "--output", out.toString());
        assertEquals(0, r.exit(), r.err());
        Tensor y = NpyFormat.read(out);
        assertEquals("f32[8,4]", y.type().toString());
        for (int row = 0; row < 8; row++) {
            float sum = 0;
            for (int c = 0; c < 4; c++) {
                sum += y.floats()[row * 4 + c];
            }
            assertEquals(1f, sum, 1e-5f, "softmax rows sum to 1");
        }
        Result printed = octet("run", MODEL, "--input", INPUT, "--print-ir");
        assertTrue(printed.out().contains("graph @mlp_tiny") && printed.out().contains("argmax"), printed.out());
    }

    @Test
    void runsOnnxModels(@TempDir Path dir) {
        Path out = dir.resolve("logits.npy");
        Result r = octet("run", TESTDATA.resolve("models/fashion-mlp.onnx").toString(),
                "--input", TESTDATA.resolve("data/fashion-test-1000.npy").toString(), "--output", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("f32[1000,10]", NpyFormat.read(out).type().toString());
    }

    @Test
    void quantizeStaticFromThePipeline() {
        Result r = octet("opt", TESTDATA.resolve("models/fashion-mlp.onnx").toString(), "--passes",
                "quantize-static{calibration=" + TESTDATA.resolve("data/fashion-calib-500.npy") + ",method=mse}");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("= MatMulInteger(") && r.out().contains("= Requantize("), r.out());
        Result missing = octet("opt", TESTDATA.resolve("models/fashion-mlp.onnx").toString(), "--passes",
                "quantize-static{calibration=nowhere.npy}");
        assertUsageError(missing, "calibration file nowhere.npy does not exist");
    }

    @Test
    void unsupportedOperatorsAreListedWithExit1() {
        String model = "/usr/share/libonnx-testdata/data/node/test_nonmaxsuppression_center_point_box_format/model.onnx";
        Result r = octet("opt", model);
        assertEquals(1, r.exit(), r.err());
        assertEquals("octet: error: " + model + ": unsupported operators: NonMaxSuppression (1 node, first node "
                + "'selected_indices' (NonMaxSuppression))\n", r.err());
    }

    @Test
    void usageErrorsExitWith2AndOneLine() {
        assertUsageError(octet("opt", MODEL, "--passes", "fold-constant"), "unknown pass 'fold-constant'");
        assertUsageError(octet("opt", "no/such/model.oir"), "model file no/such/model.oir does not exist");
        assertUsageError(octet("run", MODEL), "Missing required option: '--input=X.npy'");
        assertUsageError(octet("run", MODEL, "--input", "missing.npy"), "input file missing.npy does not exist");
        assertUsageError(octet("frobnicate"), "Unmatched argument");
    }

    private static void assertUsageError(Result r, String text) {
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("octet: error: ") && r.err().contains(text), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void badModelsAndDataExitWith1NamingTheProblem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.oir");
        Files.writeString(bad, "graph @g(%x: f32[2]) {\n  %y = Relu(%z) : f32[2]\n  return %y\n}\n");
        Result parse = octet("opt", bad.toString());
        assertEquals(1, parse.exit());
        assertEquals("octet: error: " + bad + ":2:13: use of undefined value %z\n", parse.err());

        Path wrongShape = dir.resolve("x.npy");
        NpyFormat.write(Tensor.ofFloats(dev.octet.ir.Shape.of(3), 1, 2, 3), wrongShape);
        Result data = octet("run", MODEL, "--input", wrongShape.toString());
        assertEquals(1, data.exit());
        assertTrue(data.err().contains("input is f32[3] but model input %features is f32[N,16]"), data.err());

        Result verbose = octet("opt", bad.toString(), "--verbose");
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace");
    }
}
