package dev.octet.cli;

import static dev.octet.cli.CliSupport.assertError;
import static dev.octet.cli.CliSupport.ok;
import static dev.octet.cli.CliSupport.octet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.octet.frontend.NpyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sensitivity, automatic mixed precision and SmoothQuant on the transformer whose LayerNorms have outlier
 * channels, where plain static int8 loses accuracy (300 validation images, to keep the test short).
 */
class MixedPrecisionCommandTest {
    private static final String MODEL = CliSupport.TESTDATA.resolve("models/fashion-transformer-outliers.onnx")
            .toString();
    private static final List<String> LN_FED = List.of("/layers.0/qkv/MatMul", "/layers.0/fc1/MatMul",
            "/layers.1/qkv/MatMul", "/layers.1/fc1/MatMul");

    @TempDir
    static Path dir;
    static String calib;
    static String x;
    static String y;

    @BeforeAll
    static void slices() {
        calib = dir.resolve("calib.npy").toString();
        x = dir.resolve("x.npy").toString();
        y = dir.resolve("y.npy").toString();
        NpyFormat.write(NpyFormat.read(Path.of(CliSupport.CALIB)).rows(0, 200), Path.of(calib));
        NpyFormat.write(NpyFormat.read(Path.of(CliSupport.TEST_X)).rows(0, 300), Path.of(x));
        NpyFormat.write(NpyFormat.read(Path.of(CliSupport.TEST_Y)).rows(0, 300), Path.of(y));
    }

    @Test
    void sensitivityRanksTheOutlierLayersFirst() throws Exception {
        Path json = dir.resolve("sensitivity.json");
        Path html = dir.resolve("sensitivity.html");
        CliSupport.Result r = ok("sensitivity", MODEL, "--calibration", calib, "--data", x, "--labels", y,
                "--json", json.toString(), "--html", html.toString(), "-q");
        assertTrue(r.out().contains("all int8") && r.out().contains("recovery"), r.out());
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        var ranking = o.getAsJsonArray("ranking");
        assertEquals(10, ranking.size(), "the layers with constant weights (attention products are not layers)");
        String first = ranking.get(0).getAsJsonObject().get("name").getAsString();
        assertTrue(LN_FED.contains(first), "most sensitive: " + first);
        assertTrue(o.get("int8_accuracy").getAsDouble() < o.get("float_accuracy").getAsDouble(), o.toString());
        String page = Files.readString(html);
        assertTrue(page.contains("id=\"sensitivity-recovery\"") && page.contains("id=\"sensitivity-sqnr\""));
    }

    @Test
    void mixedPrecisionKeepsTheFewestLayersInFloatWithinTheBudget() {
        Path jar = dir.resolve("mixed.jar");
        CliSupport.Result r = ok("compile", MODEL, "-o", jar.toString(), "--precision", "mixed",
                "--max-accuracy-drop", "0.5", "--calibration", calib, "--validation", x, "--labels", y, "-q");
        Matcher m = Pattern.compile("mixed precision: ([0-9.]+)% -> ([0-9.]+)% on the validation data").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) - Double.parseDouble(m.group(2)) <= 0.5 + 1e-9, r.out());
        assertTrue(r.out().contains("float ") && r.out().contains("kept in float; sensitivity rank 1 of 10"), r.out());
        assertTrue(r.out().contains("int8 within the budget"), r.out());

        CliSupport.Result impossible = octet("compile", MODEL, "-o", dir.resolve("no.jar").toString(), "--precision",
                "mixed", "--max-accuracy-drop", "0", "--max-class-drop", "0", "--min-int8-macs", "0.99",
                "--calibration", calib, "--validation", x, "--labels", y, "-q");
        assertError(impossible, 1, "cannot be met with at least 99% of MACs in int8");
        assertError(octet("compile", MODEL, "-o", dir.resolve("no.jar").toString(), "--max-accuracy-drop", "1",
                "--calibration", calib), 2, "need --precision mixed, --validation and --labels");
    }

    @Test
    void smoothQuantRecoversWhatOutliersCost() {
        CliSupport.Result plain = ok("compile", MODEL, "-o", dir.resolve("plain.jar").toString(), "--calibration",
                calib, "--validation", x, "--labels", y, "-q");
        CliSupport.Result smooth = ok("compile", MODEL, "-o", dir.resolve("sq.jar").toString(), "--smooth-quant",
                "0.5", "--calibration", calib, "--validation", x, "--labels", y, "-q");
        double lost = change(plain.out());
        double lostSmooth = change(smooth.out());
        assertTrue(lost < -1.0, "plain int8 loses over a point here: " + lost);
        assertTrue(lostSmooth > lost + 1.0, "SmoothQuant gives back over a point: " + lost + " -> " + lostSmooth);
    }

    @Test
    void aModelWithoutInputNormalizationKeepsItsFirstLayerInFloat() {
        String features = CliSupport.TESTDATA.resolve("models/fashion-features-mlp.onnx").toString();
        CliSupport.Result plain = ok("compile", features, "-o", dir.resolve("fm.jar").toString(), "--calibration",
                calib, "--validation", x, "--labels", y, "-q");
        assertTrue(change(plain.out()) < -5, "plain int8 erases the pixels: " + plain.out());
        CliSupport.Result mixed = ok("compile", features, "-o", dir.resolve("fm-mixed.jar").toString(), "--precision",
                "mixed", "--max-accuracy-drop", "1.0", "--calibration", calib, "--validation", x, "--labels", y,
                "-q");
        // One of 300 samples is 0.33 points: the budget allows up to three flips.
        assertTrue(mixed.out().contains("kept in float: /fc1/Gemm\n") && mixed.out().contains("(84.8% of MACs)"),
                mixed.out());
        assertTrue(change(mixed.out()) >= -1.0, mixed.out());
    }

    private static double change(String out) {
        Matcher m = Pattern.compile("(?m)^accuracy\\s+[0-9.]+%\\s+[0-9.]+%\\s+([+-][0-9.]+) pt").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}
