package dev.octet.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.backends.jvm.Target;
import dev.octet.frontend.ModelLoader;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.runtime.OctetModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API: compile from a path or a graph, load in-process, write classes; errors name the problem. */
class OctetTest {
    private static final Path TESTDATA = Path.of(System.getProperty("octet.testdata"));
    private static final Path MLP = TESTDATA.resolve("models/fashion-mlp.onnx");
    private static final Path CALIB = TESTDATA.resolve("data/fashion-calib-500.npy");

    @Test
    void loadsAnInt8ModelThatMatchesTheReferenceEvaluator() {
        CompileOptions options = CompileOptions.builder().precision(Precision.INT8).calibration(CALIB).build();
        OctetModel model = Octet.load(MLP, options);
        assertEquals("int8", model.precision());
        assertEquals("fashion-mlp", model.modelName());
        assertArrayEquals(new long[] {-1, 1, 28, 28}, model.inputShape());
        assertEquals(64, model.sourceSha256().length());

        Tensor x = NpyFormat.read(TESTDATA.resolve("data/fashion-test-1000.npy")).rows(0, 50);
        ModelCompilation.Result result = Octet.compile(MLP, options);
        float[] expected = new ReferenceEvaluator(result.compiled()).run(List.of(x)).getFirst().floats();
        float[] actual = new float[expected.length];
        model.predict(x.floats(), 50, actual);
        float scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * scale, "output " + i);
        }
    }

    @Test
    void biasCorrectionCanBeTurnedOff() {
        // Bias correction moves only the int32 biases: same layers, other bias constants.
        CompileOptions.Builder b = CompileOptions.builder().precision(Precision.INT8).calibration(CALIB);
        ModelCompilation.Result on = Octet.compile(MLP, b.build());
        ModelCompilation.Result off = Octet.compile(MLP, b.biasCorrection(false).build());
        assertTrue(on.config().biasCorrection());
        assertFalse(off.config().biasCorrection());
        assertFalse(java.util.Arrays.equals(on.artifact().weights(), off.artifact().weights()));
        assertEquals(on.artifact().weights().length, off.artifact().weights().length);
    }

    @Test
    void nativeKernelsCanBeTurnedOff() throws ReflectiveOperationException {
        // As octet compile --no-native: the class keeps the Java kernels wherever it runs. With the default, a host
        // with AVX2 (the test JVM grants native access) installs the machine code for the int8 GEMMs.
        CompileOptions.Builder b = CompileOptions.builder().precision(Precision.INT8).calibration(CALIB);
        String off = kernels(Octet.load(MLP, b.nativeKernels(false).build()));
        assertFalse(off.endsWith("-gemm"), off);
        String on = kernels(Octet.load(MLP, b.nativeKernels(true).build()));
        assertEquals(hostHasAvx2(), on.endsWith("-gemm"), on);
    }

    private static String kernels(OctetModel model) throws ReflectiveOperationException {
        return (String) model.getClass().getMethod("kernels").invoke(model);
    }

    private static boolean hostHasAvx2() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2 ");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void compilesAGraphToAClassesDirectory(@TempDir Path dir) throws Exception {
        Graph g = ModelLoader.load(TESTDATA.resolve("models/mlp-tiny.oir"));
        ModelCompilation.Result r = Octet.compile(g, CompileOptions.builder().precision(Precision.FP32)
                .target(Target.SCALAR).className("com.example.Tiny").build());
        List<Path> files = r.artifact().writeClasses(dir, java.util.Map.of());
        assertTrue(Files.isRegularFile(dir.resolve("com/example/Tiny.class")), files.toString());
        assertTrue(Files.isRegularFile(dir.resolve("com/example/Tiny.weights")), files.toString());
        assertTrue(Files.isRegularFile(dir.resolve("dev/octet/runtime/OctetModel.class")), files.toString());
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                OctetTest.class.getClassLoader())) {
            OctetModel m = (OctetModel) loader.loadClass("com.example.Tiny").getConstructor().newInstance();
            assertEquals("scalar", m.target());
            assertEquals(4, m.predict(new float[16]).length);
        }
    }

    @Test
    void mixedPrecisionWithABudgetThroughTheApi() {
        CompileOptions options = CompileOptions.builder().precision(Precision.MIXED).calibration(CALIB)
                .budget(new MixedPrecision.Budget(0.5, 2.0, 0.8), TESTDATA.resolve("data/fashion-test-1000.npy"),
                        TESTDATA.resolve("data/fashion-test-1000-labels.npy"))
                .build();
        ModelCompilation.Result r = Octet.compile(TESTDATA.resolve("models/fashion-cnn.onnx"), options);
        MixedPrecision.Selection s = r.selection();
        assertTrue(s != null && s.int8MacShare() >= 0.8, "selection " + s);
        assertTrue(100 * (s.floatAccuracy() - s.accuracy()) <= 0.5, s.floatAccuracy() + " -> " + s.accuracy());
        assertEquals(4, s.layers().size());
        assertEquals(4, s.sensitivity().ranking().size());
        assertEquals("mixed", r.artifact().metadata().precision());
    }

    @Test
    void optionErrorsSayWhatIsMissing() {
        var e = assertThrows(ModelCompilation.OptionException.class,
                () -> Octet.compile(MLP, CompileOptions.builder().precision(Precision.INT8).build()));
        assertTrue(e.getMessage().contains("static int8 needs calibration samples"), e.getMessage());
        var data = assertThrows(SampleFiles.DataException.class, () -> Octet.compile(MLP, CompileOptions.builder()
                .calibration(TESTDATA.resolve("models/mlp-tiny.input.npy")).build()));
        assertTrue(data.getMessage().contains("samples are [16] (16 values each) but the model takes [1, 28, 28]"),
                data.getMessage());
        var keep = assertThrows(ModelCompilation.OptionException.class, () -> Octet.compile(MLP,
                CompileOptions.builder().precision(Precision.MIXED).calibration(CALIB).keepFp32(List.of("nope"))
                        .build()));
        assertTrue(keep.getMessage().contains("--keep-fp32 nope matches no quantizable layer"), keep.getMessage());
    }
}
