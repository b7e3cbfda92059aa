package dev.octet.frontend.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.octet.frontend.onnx.OnnxReader;
import dev.octet.ir.Graph;
import dev.octet.ir.text.IrPrinter;

/**
 * Fuzzes the ONNX reader (protobuf decoding, tensor decoding, opset adaptation, symbolic shapes, import, verify):
 * a model either imports into a verified graph that prints, or fails with a documented exception. Seeds: small
 * models written by OnnxWriter from the repository's .oir files; crashes found are kept beside them as regression
 * inputs (src/test/resources/dev/octet/frontend/fuzz/OnnxReaderFuzzTestInputs/reads).
 */
class OnnxReaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void reads(byte[] input) {
        Graph g = FuzzFiles.read(input, "model.onnx", OnnxReader::read);
        if (g != null) {
            IrPrinter.printElided(g, 16);
        }
    }
}
