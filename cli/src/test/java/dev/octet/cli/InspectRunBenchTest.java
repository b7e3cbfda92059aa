package dev.octet.cli;

import static dev.octet.cli.CliSupport.CALIB;
import static dev.octet.cli.CliSupport.MLP;
import static dev.octet.cli.CliSupport.TEST_X;
import static dev.octet.cli.CliSupport.assertError;
import static dev.octet.cli.CliSupport.ok;
import static dev.octet.cli.CliSupport.octet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.cli.model.ModelOpener;
import dev.octet.cli.model.RunnableModel;
import dev.octet.frontend.ModelLoader;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** octet inspect, run and bench on a compiled jar and on its source model. */
class InspectRunBenchTest {
    @TempDir
    static Path dir;
    static Path jar;

    @BeforeAll
    static void compile() {
        jar = dir.resolve("mlp.jar");
        ok("compile", MLP, "-o", jar.toString(), "--calibration", CALIB, "-q");
    }

    @Test
    void inspectShowsOpsParametersLayersAndQuantization() {
        CliSupport.Result src = ok("inspect", MLP);
        assertTrue(src.out().contains("precision fp32"), src.out());
        assertTrue(src.out().matches("(?s).*f32\\s+\\d+ values\\s+\\d+ bytes.*"), src.out());
        assertTrue(src.out().contains("layers (3; 0.0% of"), src.out());

        CliSupport.Result compiled = ok("inspect", jar.toString());
        assertTrue(compiled.out().startsWith("jar mlp.jar: class dev.octet.models.FashionMlp, target auto"),
                compiled.out());
        assertTrue(compiled.out().contains("layers (3; 100.0% of"), compiled.out());
        assertTrue(compiled.out().matches("(?s).*\\s+MatMulInteger\\s+3\\b.*"), compiled.out());
        assertTrue(compiled.out().matches("(?s).*i8\\s+\\d+ values.*"), compiled.out());
        assertTrue(compiled.out().matches("(?s).*quantized tensors \\(\\d+\\):\\n\\s+\\S+\\s+u8\\s+scale [0-9.E-]+ zero point \\d+.*"),
                compiled.out());
        CliSupport.Result json = ok("inspect", jar.toString(), "--json");
        assertTrue(json.out().contains("\"int8_macs\"") && json.out().contains("\"quantized_tensors\""), json.out());
    }

    @Test
    void runExecutesTheJarAndMatchesEval() throws Exception {
        Path y = dir.resolve("y.npy");
        ok("run", jar.toString(), "--input", TEST_X, "--output", y.toString());
        Tensor logits = NpyFormat.read(y);
        assertEquals("f32[1000,10]", logits.type().toString());
        Path ref = dir.resolve("ref.npy");
        ok("run", MLP, "--input", TEST_X, "--output", ref.toString());
        float[] a = logits.floats();
        float[] b = NpyFormat.read(ref).floats();
        // The reference evaluator also goes 256 rows at a time: the same numbers as one evaluation.
        Tensor x = NpyFormat.read(Path.of(TEST_X));
        assertArrayEquals(new ReferenceEvaluator(ModelLoader.load(Path.of(MLP))).run(List.of(x)).getFirst().floats(),
                b);
        int agree = 0;
        for (int r = 0; r < 1000; r++) {
            agree += argmax(a, r) == argmax(b, r) ? 1 : 0;
        }
        assertTrue(agree >= 970, "int8 jar agrees with the float reference on " + agree + "/1000");

        // run feeds the class 256 rows at a time (1000 = 3 x 256 + 232): the same numbers as one call.
        RunnableModel model = ModelOpener.openJar(jar);
        float[] whole = new float[1000 * 10];
        model.predict(NpyFormat.read(Path.of(TEST_X)).floats(), 1000, whole);
        assertArrayEquals(whole, a);
    }

    @Test
    void benchReportsEveryBatchSize() {
        CliSupport.Result r = ok("bench", jar.toString(), "--batch", "1,4", "--warmup", "0.2", "--time", "0.5",
                "--threads", "2", "-q");
        assertTrue(r.out().contains("2 threads, 10 rounds"), r.out());
        assertTrue(r.out().matches("(?s).*\\n\\s+1\\s+\\d+\\.\\d+\\s.*\\n\\s+4\\s+\\d+\\.\\d+\\s.*"), r.out());
        assertError(octet("bench", jar.toString(), "--batch", "0"), 2, "--batch must be at least 1");
        assertError(octet("inspect", dir.resolve("missing.jar").toString()), 2, "does not exist");
    }

    @Test
    void inspectRejectsAJarNotFromOctet() throws Exception {
        Path other = dir.resolve("other.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(other))) {
            out.putNextEntry(new java.util.jar.JarEntry("a.txt"));
        }
        assertError(octet("inspect", other.toString()), 1, "not a jar written by octet compile");
        assertError(octet("run", other.toString(), "--input", TEST_X), 1, "not a jar written by octet compile");
    }

    private static int argmax(float[] v, int row) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
            if (v[row * 10 + c] > v[row * 10 + best]) {
                best = c;
            }
        }
        return best;
    }
}
