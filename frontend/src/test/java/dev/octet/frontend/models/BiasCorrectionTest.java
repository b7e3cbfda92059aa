package dev.octet.frontend.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.frontend.onnx.OnnxReader;
import dev.octet.ir.Graph;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.QualityReport;
import dev.octet.passes.quant.StaticQuantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bias correction moves each layer's mean output error into its bias: measured on the calibration slice, the
 * end-to-end output SQNR of the integer graph must improve by at least 0.3 dB.
 */
class BiasCorrectionTest {
    @ParameterizedTest
    @ValueSource(strings = {"fashion-mlp", "fashion-cnn"})
    void improvesOutputSqnr(String model) {
        Graph f = OnnxReader.read(FashionModelsTest.TESTDATA.resolve("models/" + model + ".onnx"));
        InsertQdqPass.Config plain = InsertQdqPass.Config.DEFAULT.withBiasCorrection(false);
        InsertQdqPass.Config corrected = plain.withBiasCorrection(true);
        QualityReport before = StaticQuantizer.quantize(f, QuantizationAccuracyTest.CALIBRATION, plain)
                .report(plain, QuantizationAccuracyTest.CALIBRATION);
        QualityReport after = StaticQuantizer.quantize(f, QuantizationAccuracyTest.CALIBRATION, corrected)
                .report(corrected, QuantizationAccuracyTest.CALIBRATION);
        System.out.printf("| %s | output SQNR %.2f dB -> %.2f dB | layers %s -> %s |%n", model,
                before.output().sqnrDb(), after.output().sqnrDb(), rounded(before), rounded(after));
        assertTrue(after.output().sqnrDb() >= before.output().sqnrDb() + 0.3,
                "bias correction gained too little: " + before.output().sqnrDb() + " -> " + after.output().sqnrDb());
    }

    private static String rounded(QualityReport r) {
        return r.layers().stream().map(l -> String.format("%.1f", l.sqnrDb())).toList().toString();
    }
}
