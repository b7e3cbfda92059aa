package dev.octet.cli;

import static dev.octet.cli.CliSupport.CALIB;
import static dev.octet.cli.CliSupport.CNN;
import static dev.octet.cli.CliSupport.MLP;
import static dev.octet.cli.CliSupport.TEST_X;
import static dev.octet.cli.CliSupport.TEST_Y;
import static dev.octet.cli.CliSupport.assertError;
import static dev.octet.cli.CliSupport.ok;
import static dev.octet.cli.CliSupport.octet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.frontend.ModelLoader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** octet compile: every precision, the outputs it writes, the before/after table, and its errors. */
class CompileCommandTest {
    @Test
    void compilesInt8AndPrintsTheBeforeAfterTable(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("mlp.jar");
        CliSupport.Result r = ok("compile", MLP, "-o", jar.toString(), "--calibration", CALIB, "--validation", TEST_X,
                "--labels", TEST_Y, "--class", "com.example.FashionMlp", "-q");
        assertTrue(r.out().contains("class com.example.FashionMlp, int8"), r.out());
        assertTrue(r.out().contains("3 of 3 layers in int8 (100.0% of MACs)"), r.out());
        for (String row : new String[] {"accuracy", "worst class", "size", "latency p50, batch 1",
            "throughput, batch 64", "top-1 agreement"}) {
            assertTrue(r.out().contains(row), row + " row in\n" + r.out());
        }
        // The int8 model stays within 1 point of float on the test slice, and the jar is about a quarter the size.
        Matcher m = Pattern.compile("accuracy\\s+(\\d+\\.\\d+)%\\s+(\\d+\\.\\d+)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Math.abs(Double.parseDouble(m.group(1)) - Double.parseDouble(m.group(2))) < 1.0, r.out());
        // Weights at most 27% of the float file (the backend's target); the jar adds ~70 KiB of compressed kernels.
        assertTrue(Files.size(jar) < 0.32 * Files.size(Path.of(MLP)), "jar " + Files.size(jar));
        assertEquals("", r.err(), "--quiet: nothing on stderr");
        try (JarFile jf = new JarFile(jar.toFile())) {
            assertEquals("int8", jf.getManifest().getMainAttributes().getValue("Octet-Precision"));
            assertTrue(jf.getJarEntry(CompileCommand.SUMMARY_ENTRY) != null);
            long weights = jf.getJarEntry("com/example/FashionMlp.weights").getSize();
            assertTrue(weights <= 0.27 * Files.size(Path.of(MLP)), "weights " + weights);
        }
    }

    @Test
    void sameInputsGiveAByteIdenticalJar(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.jar");
        Path b = dir.resolve("b.jar");
        ok("compile", MLP, "-o", a.toString(), "--calibration", CALIB, "-q");
        ok("compile", MLP, "-o", b.toString(), "--calibration", CALIB, "-q");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));

        // --no-bias-correction leaves the measured mean errors in: other int32 biases, same layers.
        Path c = dir.resolve("c.jar");
        ok("compile", MLP, "-o", c.toString(), "--calibration", CALIB, "--no-bias-correction", "-q");
        byte[] corrected = weights(a);
        byte[] uncorrected = weights(c);
        assertEquals(corrected.length, uncorrected.length);
        assertFalse(java.util.Arrays.equals(corrected, uncorrected));
    }

    private static byte[] weights(Path jar) throws java.io.IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            return jf.getInputStream(jf.getJarEntry("dev/octet/models/FashionMlp.weights")).readAllBytes();
        }
    }

    /** --no-native: the class keeps its int8 products on the Vector API, where it would install machine code. */
    @Test
    void noNativeKeepsInt8ProductsOffMachineCode(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.jar");
        Path noNative = dir.resolve("no-native.jar");
        ok("compile", MLP, "-o", plain.toString(), "--calibration", CALIB, "--class", "t.Mlp", "-q");
        ok("compile", MLP, "-o", noNative.toString(), "--calibration", CALIB, "--class", "t.Mlp", "--no-native",
                "-q");
        boolean avx2 = Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2 ");
        assertEquals(avx2, kernels(plain).endsWith("-gemm"), kernels(plain));
        assertFalse(kernels(noNative).endsWith("-gemm"), kernels(noNative));
    }

    /** The loaded class's kernel binding ("bits->bits" and the machine code installed). */
    private static String kernels(Path jar) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()})) {
            Object model = loader.loadClass("t.Mlp").getConstructor().newInstance();
            return (String) model.getClass().getMethod("kernels").invoke(model);
        }
    }

    @Test
    void mixedKeepsTheNamedLayersInFloat(@TempDir Path dir) {
        Path jar = dir.resolve("cnn-mixed.jar");
        CliSupport.Result r = ok("compile", CNN, "-o", jar.toString(), "--precision", "mixed", "--keep-fp32",
                "/conv1/*,*fc2*", "--calibration", CALIB, "-q");
        assertTrue(r.out().contains("2 of 4 layers in int8") && r.out().contains("kept in float: /conv1/Conv, /fc2/Gemm"),
                r.out());
        CliSupport.Result inspect = ok("inspect", jar.toString());
        assertTrue(inspect.out().matches("(?s).*float\\s+FusedConv\\s+\\d+ MACs\\s+/conv1/Conv.*"), inspect.out());
        assertTrue(inspect.out().matches("(?s).*int8\\s+ConvInteger\\s+\\d+ MACs\\s+/conv2/Conv.*"), inspect.out());
    }

    @Test
    void writesQdqOnnxThatEvalRuns(@TempDir Path dir) {
        Path onnx = dir.resolve("mlp-int8.onnx");
        ok("compile", MLP, "-o", onnx.toString(), "--calibration", CALIB, "--calibrate", "percentile:99.99", "-q");
        assertTrue(ModelLoader.load(onnx).nodes().stream().anyMatch(n -> n.op().equals("QuantizeLinear")));
        CliSupport.Result eval = ok("eval", onnx.toString(), "--data", TEST_X, "--labels", TEST_Y, "-q");
        assertTrue(eval.out().startsWith("mlp-int8.onnx (int8) on 1000 samples: top-1 8"), eval.out());
    }

    @Test
    void dynamicAndFp32NeedNoCalibration(@TempDir Path dir) {
        String transformer = CliSupport.TESTDATA.resolve("models/fashion-transformer.onnx").toString();
        CliSupport.Result dyn = ok("compile", transformer, "-o", dir.resolve("t.jar").toString(), "--precision",
                "dynamic", "-q");
        assertTrue(dyn.out().contains(", dynamic, target auto"), dyn.out());
        CliSupport.Result fp32 = ok("compile", MLP, "-o", dir.resolve("f.jar").toString(), "--precision", "fp32",
                "--target", "scalar", "-q");
        assertTrue(fp32.out().contains(", fp32, target scalar") && fp32.out().contains("0 of 3 layers in int8"),
                fp32.out());
    }

    @Test
    void reportsEveryBadRequestInOneLine(@TempDir Path dir) throws Exception {
        String out = dir.resolve("x.jar").toString();
        assertError(octet("compile", "missing.onnx", "-o", out), 2, "model file missing.onnx does not exist");
        assertError(octet("compile", MLP, "-o", out), 2, "static int8 needs calibration samples");
        assertError(octet("compile", MLP, "-o", out, "--precision", "int4"), 2, "--precision must be fp32, int8");
        assertError(octet("compile", MLP, "-o", out, "--calibration", CALIB, "--calibrate", "median"), 2,
                "--calibrate");
        assertError(octet("compile", MLP, "-o", out, "--target", "avx3"), 2, "unknown target 'avx3'");
        assertError(octet("compile", MLP, "-o", out, "--precision", "dynamic", "--calibrate", "mse", "--per-tensor"),
                2, "--precision dynamic takes no static int8 range options (--calibrate, --per-tensor)");
        assertError(octet("compile", MLP, "-o", out, "--precision", "fp32", "--no-bias-correction"), 2,
                "--precision fp32 takes no static int8 range options (--no-bias-correction)");
        assertError(octet("compile", MLP, "-o", dir.resolve("x.zip").toString()), 2, "must be a .jar");
        assertError(octet("compile", MLP, "-o", out, "--precision", "mixed", "--keep-fp32", "nope*",
                "--calibration", CALIB), 2, "--keep-fp32 nope* matches no quantizable layer");
        assertError(octet("compile", MLP, "-o", out, "--calibration", TEST_Y), 1,
                "samples must be float32");
        assertError(octet("compile", MLP, "-o", out, "--calibration", CliSupport.TESTDATA
                .resolve("models/mlp-tiny.input.npy").toString()), 1, "samples are [16] (16 values each) but the "
                + "model takes [1, 28, 28] (784 values)");
        assertError(octet("compile", MLP, "-o", out, "--calibration", CALIB, "--validation", TEST_X, "--labels",
                CliSupport.TESTDATA.resolve("data/fashion-calib-500-labels.npy").toString()), 1,
                "500 labels for 1000 samples");
        assertError(octet("compile", MLP, "-o", out, "--precision", "fp32", "--class", "com.1bad"), 2, "is not a Java class name");

        // An op the JVM backend does not compile: one error naming the node.
        Path slice = dir.resolve("slice.oir");
        Files.writeString(slice, """
                graph @sliced(%x: f32[N,8]) {
                  %starts = Constant() {value = dense<i64[1], [2]>} : i64[1]
                  %ends = Constant() {value = dense<i64[1], [6]>} : i64[1]
                  %axes = Constant() {value = dense<i64[1], [1]>} : i64[1]
                  %y = Slice(%x, %starts, %ends, %axes) : f32[N,4] loc("middle")
                  return %y
                }
                """);
        assertError(octet("compile", slice.toString(), "-o", out, "--precision", "fp32"), 1, "Slice");
    }
}
