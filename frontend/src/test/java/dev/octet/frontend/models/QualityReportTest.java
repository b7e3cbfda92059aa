package dev.octet.frontend.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.octet.frontend.onnx.OnnxReader;
import dev.octet.ir.Graph;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.QualityReport;
import dev.octet.passes.quant.QuantScheme;
import dev.octet.passes.quant.RangeMethod;
import dev.octet.passes.quant.StaticQuantizer;
import org.junit.jupiter.api.Test;

/** The quantization quality report of the CNN: its fields, and figures that say the quantization is sound. */
class QualityReportTest {
    @Test
    void cnnReport() {
        Graph f = OnnxReader.read(FashionModelsTest.TESTDATA.resolve("models/fashion-cnn.onnx"));
        InsertQdqPass.Config config = new InsertQdqPass.Config(RangeMethod.parse("percentile:99.99"),
                QuantScheme.U8_ASYMMETRIC, true);
        StaticQuantizer.Result result = StaticQuantizer.quantize(f, QuantizationAccuracyTest.CALIBRATION, config);
        QualityReport report = result.report(config, QuantizationAccuracyTest.CALIBRATION);
        String json = report.toJson();
        System.out.println(json);
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        for (String field : new String[] {"mode", "method", "activation_scheme", "per_channel_weights", "samples",
                "tensors", "layers", "output"}) {
            assertTrue(o.has(field), "report field " + field);
        }
        assertEquals("percentile:99.99", o.get("method").getAsString());
        assertEquals(500, o.get("samples").getAsInt());
        assertEquals(4, report.layers().size(), "2 convolutions and 2 fully connected layers");
        assertEquals(4, report.tensors().size(), "one decision per quantized activation input");
        for (QualityReport.TensorEntry t : report.tensors()) {
            assertTrue(t.sqnrDb() > 25, t.name() + " SQNR " + t.sqnrDb());
            assertTrue(t.chosenRange()[1] <= t.observedRange()[1] && t.clippedFraction() < 0.001, t.name());
        }
        for (QualityReport.LayerEntry l : report.layers()) {
            assertTrue(l.sqnrDb() > 15, l.name() + " SQNR " + l.sqnrDb());
        }
        assertTrue(report.output().sqnrDb() > 20, "output SQNR " + report.output().sqnrDb());
        assertTrue(report.output().top1Agreement() >= 0.99, "agreement " + report.output().top1Agreement());
        JsonObject tensor = o.getAsJsonArray("tensors").get(0).getAsJsonObject();
        for (String field : new String[] {"name", "chosen_range", "observed_range", "clipped_fraction", "scale",
                "zero_point", "sqnr_db"}) {
            assertTrue(tensor.has(field), "tensor field " + field);
        }
    }
}
