package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Graph;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The jar (manifest, main, fallback without the Vector API), the weight file checks, and allocation-free predict. */
class ArtifactTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"mlp-static", "cnn-static", "transformer-dynamic", "cnn-f32", "mlp-f32", "transformer-f32"})
    @SuppressWarnings("unchecked")
    void warmBatchedPredictAllocatesNothing(String name) throws Throwable {
        Object model = JvmCompiler.load(TestModels.get(name), Target.AUTO);
        Method predict = new Method(model);
        float[] in = TestModels.images(16).floats();
        float[] out = new float[16 * 10];
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Warm until C2 has compiled every kernel (C1 code of the Vector API allocates); give up after 30 rounds.
        long allocated = -1;
        for (int round = 0; round < 30 && allocated != 0; round++) {
            for (int i = 0; i < 200; i++) {
                predict.run(in, i % 2 == 0 ? 16 : 1, out);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50; i++) {
                predict.run(in, i % 2 == 0 ? 16 : 1, out);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated, name + ": bytes allocated by 50 warm predict calls");
    }

    /** Calls predict(float[], int, float[]) without reflection's own allocations after the first call. */
    private static final class Method {
        private final java.lang.invoke.MethodHandle handle;

        Method(Object model) throws ReflectiveOperationException {
            handle = java.lang.invoke.MethodHandles.publicLookup().findVirtual(model.getClass(), "predict",
                    java.lang.invoke.MethodType.methodType(void.class, float[].class, int.class, float[].class))
                    .bindTo(model);
        }

        void run(float[] in, int batch, float[] out) throws Throwable {
            handle.invokeExact(in, batch, out);
        }
    }

    @Test
    void jarRunsAloneAndFallsBackToScalarWithoutTheVectorApi() throws Exception {
        Graph g = TestModels.get("cnn-static");
        CompiledModel m = JvmCompiler.compile(g, new JvmCompiler.Options("demo.FashionCnn", Target.AUTO,
                "fashion-cnn", "int8-static", "abc123"));
        Path jar = dir.resolve("fashion-cnn.jar");
        m.writeJar(jar);
        try (JarFile jf = new JarFile(jar.toFile())) {
            var attrs = jf.getManifest().getMainAttributes();
            assertEquals("demo.FashionCnn", attrs.getValue("Main-Class"));
            assertEquals("int8-static", attrs.getValue("Octet-Precision"));
            assertEquals("auto", attrs.getValue("Octet-Target"));
            assertEquals("abc123", attrs.getValue("Octet-Source-SHA-256"));
        }
        Path npy = dir.resolve("x.npy");
        NpyFormat.write(TestModels.images(5), npy);
        Result simd = java(true, "-jar", jar.toString(), npy.toString());
        Result scalar = java(false, "-jar", jar.toString(), npy.toString());
        assertEquals(0, simd.exit, simd.err);
        assertEquals(0, scalar.exit, scalar.err);
        assertEquals(5, simd.out.strip().lines().count(), simd.out);
        assertEquals(simd.out, scalar.out, "integer model: identical results with and without SIMD");
        assertTrue(scalar.err.contains("jdk.incubator.vector is not readable"), scalar.err);
        assertEquals(1, scalar.err.lines().filter(l -> l.contains("falls back to scalar")).count(), scalar.err);
        // Predictions equal the in-process hidden class's.
        UnaryOperator<float[]> model = (UnaryOperator<float[]>) JvmCompiler.load(g, Target.SCALAR);
        float[] y = model.apply(TestModels.images(5).floats());
        String first = simd.out.lines().findFirst().orElseThrow();
        int best = 0;
        for (int j = 1; j < 10; j++) {
            best = y[j] > y[best] ? j : best;
        }
        assertEquals("0\t" + best, first.substring(0, first.lastIndexOf('\t')));
    }

    /** The int8 class's weight resource against the fp32 ONNX file it came from (issue target: at most 27%). */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn"})
    void int8WeightsAreAQuarterOfTheFloatModel(String model) throws IOException {
        long onnx = Files.size(TestModels.TESTDATA.resolve("models/fashion-" + model + ".onnx"));
        CompiledModel m = JvmCompiler.compile(TestModels.get(model + "-static"),
                JvmCompiler.Options.of("demo.Model", Target.AUTO));
        double ratio = (double) m.weights().length / onnx;
        System.out.printf("fashion-%s: int8 weights %d bytes, fp32 ONNX %d bytes, ratio %.3f%n", model,
                m.weights().length, onnx, ratio);
        assertTrue(ratio <= 0.27, model + ": weights are " + ratio + " of the ONNX file");
    }

    @Test
    void badWeightFilesGetOneClearError() throws Exception {
        Graph g = TestModels.get("mlp-tiny");
        CompiledModel m = JvmCompiler.compile(g, JvmCompiler.Options.of(JvmCompiler.class.getPackageName()
                + ".Tiny", Target.SCALAR));
        Class<?> c = m.defineHidden(java.lang.invoke.MethodHandles.lookup());
        var ctor = c.getConstructor(byte[].class);
        byte[] good = m.weights();
        assertEquals(c, ctor.newInstance((Object) good).getClass());
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 10);
        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 1;
        byte[] foreign = good.clone();
        foreign[8] ^= 1;
        byte[] junk = "not weights at all, just some text".getBytes(StandardCharsets.UTF_8);
        String[][] cases = {{"truncated", "truncated"}, {"flipped", "checksum"}, {"foreign", "another model"},
            {"junk", "not an Octet weight file"}};
        byte[][] files = {truncated, flipped, foreign, junk};
        for (int i = 0; i < files.length; i++) {
            byte[] f = files[i];
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> ctor.newInstance((Object) f), cases[i][0]);
            assertTrue(e.getCause() instanceof IllegalStateException, cases[i][0]);
            assertTrue(e.getCause().getMessage().contains(cases[i][1]), e.getCause().getMessage());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void predictChecksItsArguments() {
        UnaryOperator<float[]> model = (UnaryOperator<float[]>) JvmCompiler.load(TestModels.get("mlp-tiny"),
                Target.SCALAR);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.apply(new float[17]));
        assertTrue(e.getMessage().contains("not a whole number of 16-float samples of shape [N, 16]"),
                e.getMessage());
    }

    private record Result(int exit, String out, String err) {
    }

    private Result java(boolean vector, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (vector) {
            cmd.add("--add-modules=jdk.incubator.vector");
        }
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java timed out");
        return new Result(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve(
                "err.txt")));
    }

}
