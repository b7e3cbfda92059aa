package dev.octet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Graph;
import dev.octet.ir.text.IrPrinter;
import dev.octet.ir.text.IrTextParser;
import dev.octet.ir.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * print -> parse -> print gives the same text, for every case of every IR file in testdata/ (cases that are
 * bad-input tests, marked expected-error, are exercised by the diagnostics tests instead).
 */
class RoundTripTest {
    @TestFactory
    Stream<DynamicTest> everyIrFileRoundTrips() {
        List<Path> files = PassTests.irFiles(TestData.root());
        assertTrue(files.size() >= 10, "expected the testdata IR files, found " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(TestData.root().relativize(f).toString(), () -> {
            int checked = 0;
            for (PassTestFile.Case c : PassTestFile.cases(Files.readAllLines(f))) {
                if (c.expectsError() || c.caseLines().stream().allMatch(l -> l.isBlank() || l.strip().startsWith("//"))) {
                    continue;
                }
                Graph g = IrTextParser.parse(c.text(), f.toString(), f.getParent());
                Verifier.verify(g);
                String printed = IrPrinter.print(g);
                Graph again = IrTextParser.parse(printed, f + " (printed)", f.getParent());
                Verifier.verify(again);
                assertEquals(printed, IrPrinter.print(again), "round trip of case at line " + c.firstLine());
                checked++;
            }
            assertTrue(checked > 0 || isDiagnosticsOnly(f), f + " has no case to round-trip");
        }));
    }

    private static boolean isDiagnosticsOnly(Path f) throws IOException {
        return Files.readString(f).contains("--verify-diagnostics");
    }
}
