package dev.octet.cli;

import static dev.octet.cli.CliSupport.CALIB;
import static dev.octet.cli.CliSupport.MLP;
import static dev.octet.cli.CliSupport.TEST_X;
import static dev.octet.cli.CliSupport.TEST_Y;
import static dev.octet.cli.CliSupport.assertError;
import static dev.octet.cli.CliSupport.ok;
import static dev.octet.cli.CliSupport.octet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Tensor;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** octet eval against a baseline: the JSON contract, IDX input, accuracy budgets, and data errors. */
class EvalCommandTest {
    @TempDir
    static Path dir;
    static Path jar;

    @BeforeAll
    static void compile() {
        jar = dir.resolve("mlp.jar");
        ok("compile", MLP, "-o", jar.toString(), "--calibration", CALIB, "-q");
    }

    @Test
    void jsonReportHasTheContractFields() throws IOException {
        Path json = dir.resolve("eval.json");
        CliSupport.Result r = ok("eval", jar.toString(), "--data", TEST_X, "--labels", TEST_Y, "--baseline", MLP,
                "--batch", "32", "--json", json.toString(), "-q");
        assertTrue(r.out().contains("top-1 agreement"), r.out());
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        for (String field : List.of("model", "precision", "accuracy", "per_class_accuracy", "baseline_accuracy",
                "agreement", "flip_rate", "latency_ms", "throughput_per_s", "batch", "size_bytes",
                "per_class_delta", "confusion_changes", "classes_hurt_most", "peak_heap_bytes", "baseline")) {
            assertTrue(o.has(field), "field " + field + " in " + o.keySet());
        }
        assertEquals("mlp.jar", o.get("model").getAsString());
        assertEquals("int8", o.get("precision").getAsString());
        assertEquals(32, o.get("batch").getAsInt());
        assertEquals(10, o.getAsJsonArray("per_class_accuracy").size());
        assertEquals(Files.size(jar), o.get("size_bytes").getAsLong());
        double acc = o.get("accuracy").getAsDouble();
        double base = o.get("baseline_accuracy").getAsDouble();
        assertEquals(0.888, base, 1e-9, "the float MLP's accuracy on the slice (testdata/models/accuracy.json)");
        assertTrue(Math.abs(acc - base) < 0.01, acc + " vs " + base);
        double agreement = o.get("agreement").getAsDouble();
        assertEquals(1, agreement + o.get("flip_rate").getAsDouble(), 1e-12);
        assertTrue(agreement > 0.97, "agreement " + agreement);
        JsonObject lat = o.getAsJsonObject("latency_ms");
        assertTrue(0 < lat.get("p50").getAsDouble() && lat.get("p50").getAsDouble() <= lat.get("p90").getAsDouble()
                && lat.get("p90").getAsDouble() <= lat.get("p99").getAsDouble(), lat.toString());
        assertTrue(o.get("throughput_per_s").getAsDouble() > 0);
    }

    @Test
    void readsIdxGzippedOrNotLikeNpy() throws IOException {
        Tensor x = NpyFormat.read(Path.of(TEST_X));
        long[] y = NpyFormat.read(Path.of(TEST_Y)).toLongs();
        int n = 200;
        byte[] pixels = new byte[n * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) Math.round(x.floats()[i] * 255);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) y[i];
        }
        Path images = dir.resolve("images-idx3-ubyte.gz");
        Path labelFile = dir.resolve("labels-idx1-ubyte");
        writeIdx(images, true, new int[] {n, 28, 28}, pixels);
        writeIdx(labelFile, false, new int[] {n}, labels);
        Path idxJson = dir.resolve("idx.json");
        ok("eval", jar.toString(), "--data", images.toString(), "--labels", labelFile.toString(), "--json",
                idxJson.toString(), "-q");
        Path npyX = dir.resolve("x200.npy");
        Path npyY = dir.resolve("y200.npy");
        NpyFormat.write(x.rows(0, n), npyX);
        NpyFormat.write(Tensor.ofLongs(dev.octet.ir.Shape.of(n), java.util.Arrays.copyOf(y, n)), npyY);
        Path npyJson = dir.resolve("npy.json");
        ok("eval", jar.toString(), "--data", npyX.toString(), "--labels", npyY.toString(), "--json",
                npyJson.toString(), "-q");
        JsonObject a = JsonParser.parseString(Files.readString(idxJson)).getAsJsonObject();
        JsonObject b = JsonParser.parseString(Files.readString(npyJson)).getAsJsonObject();
        assertEquals(b.get("accuracy").getAsDouble(), a.get("accuracy").getAsDouble());
        assertEquals(b.get("per_class_accuracy"), a.get("per_class_accuracy"));
    }

    @Test
    void accuracyBudgetsFailWithExit1() {
        // Ranges clipped at the 60th percentile ruin the model: the budget check must catch it.
        Path bad = dir.resolve("ruined.jar");
        ok("compile", MLP, "-o", bad.toString(), "--calibration", CALIB, "--calibrate", "percentile:60", "-q");
        CliSupport.Result r = octet("eval", bad.toString(), "--data", TEST_X, "--labels", TEST_Y, "--baseline", MLP,
                "--max-accuracy-drop", "1", "--max-class-drop", "5", "-q");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("FAILED: accuracy dropped") && r.out().contains("more than --max-class-drop 5"),
                r.out());
        assertTrue(r.out().contains("classes hurt most: ["), r.out());
        assertEquals(0, octet("eval", jar.toString(), "--data", TEST_X, "--labels", TEST_Y, "--baseline", MLP,
                "--max-accuracy-drop", "1", "-q").exit());
    }

    @Test
    void dataErrorsNameTheFileAndTheProblem() throws IOException {
        String calibLabels = CliSupport.TESTDATA.resolve("data/fashion-calib-500-labels.npy").toString();
        assertError(octet("eval", jar.toString(), "--data", TEST_X, "--labels", calibLabels), 1,
                calibLabels + ": 500 labels for 1000 samples");
        String tiny = CliSupport.TESTDATA.resolve("models/mlp-tiny.input.npy").toString();
        assertError(octet("eval", jar.toString(), "--data", tiny, "--labels", TEST_Y), 1,
                "samples are [16] (16 values each) but the model takes [1, 28, 28] (784 values)");
        assertError(octet("eval", "nope.jar", "--data", TEST_X, "--labels", TEST_Y), 2,
                "model file nope.jar does not exist");
        assertError(octet("eval", jar.toString(), "--data", "nope.npy", "--labels", TEST_Y), 2,
                "data file nope.npy does not exist");
        Path big = dir.resolve("labels-big.npy");
        long[] labels = new long[1000];
        labels[7] = 12;
        NpyFormat.write(Tensor.ofLongs(dev.octet.ir.Shape.of(1000), labels), big);
        assertError(octet("eval", jar.toString(), "--data", TEST_X, "--labels", big.toString()), 1,
                "label 7 is 12 but the model has 10 classes");
        Path notJar = dir.resolve("fake.jar");
        Files.writeString(notJar, "not a zip");
        assertError(octet("eval", notJar.toString(), "--data", TEST_X, "--labels", TEST_Y), 1, "fake.jar");
        assertError(octet("eval", jar.toString(), "--data", TEST_X, "--labels", TEST_Y, "--max-accuracy-drop", "1"),
                2, "need --baseline");
    }

    private static void writeIdx(Path file, boolean gzip, int[] dims, byte[] data) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream os = gzip ? new GZIPOutputStream(raw) : raw;
             DataOutputStream out = new DataOutputStream(os)) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }
}
