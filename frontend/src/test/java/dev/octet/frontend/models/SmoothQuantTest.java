package dev.octet.frontend.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.frontend.ModelLoader;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.passes.PassManager;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.QualityReport;
import dev.octet.passes.quant.SmoothQuant;
import dev.octet.passes.quant.StaticQuantizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * SmoothQuant on the transformer with injected outlier channels (testdata/scripts/make_outlier_transformer.py):
 * the float function is kept, and static int8's output SQNR rises (README table).
 */
class SmoothQuantTest {
    private static final Path TESTDATA = Path.of(System.getProperty("octet.testdata"));

    @Test
    void keepsTheFunctionAndRaisesInt8Sqnr() {
        Graph source = ModelLoader.load(TESTDATA.resolve("models/fashion-transformer-outliers.onnx"));
        Tensor calib = NpyFormat.read(TESTDATA.resolve("data/fashion-calib-500.npy")).rows(0, 200);
        Tensor test = NpyFormat.read(TESTDATA.resolve("data/fashion-test-1000.npy")).rows(0, 200);
        Graph prepared = source.copy();
        PassManager.of(StaticQuantizer.PREPARE).run(prepared);
        Graph smoothed = prepared.copy();
        assertEquals(4, SmoothQuant.apply(smoothed, calib, 0.5), "every LayerNorm feeds weighted layers");

        float[] before = new ReferenceEvaluator(prepared).run(List.of(test)).getFirst().floats();
        float[] after = new ReferenceEvaluator(smoothed).run(List.of(test)).getFirst().floats();
        float scale = 0;
        for (float v : before) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 1e-4f * scale, "float output " + i);
        }

        InsertQdqPass.Config config = InsertQdqPass.Config.DEFAULT.withBiasCorrection(false);
        double plain = sqnr(StaticQuantizer.quantize(prepared, calib, config), config, test);
        double smooth = sqnr(StaticQuantizer.quantize(smoothed, calib, config), config, test);
        System.out.printf(Locale.ROOT, "fashion-transformer-outliers output SQNR: plain int8 %.2f dB, SmoothQuant "
                + "(alpha 0.5) %.2f dB%n", plain, smooth);
        assertTrue(smooth > plain + 6, "SmoothQuant gains over 6 dB: " + plain + " -> " + smooth);
    }

    private static double sqnr(StaticQuantizer.Result r, InsertQdqPass.Config config, Tensor data) {
        QualityReport q = r.report(config, data);
        return q.output().sqnrDb();
    }
}
