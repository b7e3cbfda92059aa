package dev.octet.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.passes.PassRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness reports a failing case with the check, its line and the actual IR, and misplaced errors. */
class PassTestFileTest {
    private static final String CASE = """
            // RUN: octet opt %s --passes dce
            graph @g(%x: f32[2]) {
              %a = Relu(%x) : f32[2]
              %b = Neg(%x) : f32[2]
              return %b
            }
            """;

    private static AssertionError failure(Path dir, String text) throws Exception {
        Path f = dir.resolve("t.oir");
        Files.writeString(f, text);
        return assertThrows(AssertionError.class, () -> PassTestFile.read(f).run(PassRegistry.load()));
    }

    @Test
    void aWrongCheckFailsWithLineAndActualIr(@TempDir Path dir) throws Exception {
        AssertionError e = failure(dir, CASE + "// CHECK: Relu\n");
        assertTrue(e.getMessage().contains("line 7: CHECK: Relu"), e.getMessage());
        assertTrue(e.getMessage().contains("--- actual IR ---\ngraph @g(%x: f32[2]) {\n  %b = Neg(%x)"), e.getMessage());
    }

    @Test
    void aCaseWithoutChecksFails(@TempDir Path dir) throws Exception {
        assertTrue(failure(dir, CASE).getMessage().contains("no CHECK lines"));
    }

    @Test
    void theRightCheckPasses(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ok.oir");
        Files.writeString(f, CASE + "// CHECK-NOT: Relu\n// CHECK: Neg\n");
        assertDoesNotThrow(() -> PassTestFile.read(f).run(PassRegistry.load()));
    }

    @Test
    void expectedErrorsMustBeOnTheirLine(@TempDir Path dir) throws Exception {
        String text = """
                // RUN: octet opt %s --verify-diagnostics
                graph @g(%x: f32[2]) {
                  // expected-error@+2 {{use of undefined value}}
                  %a = Relu(%nope) : f32[2]
                  return %a
                }
                """;
        AssertionError e = failure(dir, text);
        assertTrue(e.getMessage().contains("expected error at line 5"), e.getMessage());
        assertTrue(e.getMessage().contains("got: "), e.getMessage());
        AssertionError none = failure(dir, text.replace("%nope", "%x"));
        assertTrue(none.getMessage().contains("but there was none"), none.getMessage());
    }

    @Test
    void aFileWithoutRunLineIsRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("plain.oir");
        Files.writeString(f, "graph @g() {\n  return\n}\n");
        assertThrows(IllegalArgumentException.class, () -> PassTestFile.read(f));
    }
}
