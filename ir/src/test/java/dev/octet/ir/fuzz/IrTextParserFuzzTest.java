package dev.octet.ir.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.octet.ir.IrException;
import dev.octet.ir.text.IrTextParser;
import dev.octet.ir.text.IrPrinter;

/**
 * Fuzzes the text-IR parser and verifier: any text either parses into a verified graph that prints and parses
 * back, or fails with an {@link IrException}; nothing else may escape. Seeds and every crash found live in
 * src/test/resources/dev/octet/ir/fuzz/IrTextParserFuzzTestInputs/parses (run as regression tests each build).
 */
class IrTextParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parses(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        var graph = FuzzSupport.orNull(() -> IrTextParser.parse(text, "fuzz.oir"));
        if (graph != null) {
            String printed = IrPrinter.print(graph);
            IrTextParser.parse(printed, "printed.oir");
        }
    }
}
