package dev.octet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checker must reject what it should, or every pass test that uses it proves nothing. */
class FileCheckTest {
    private static final String OUTPUT = """
            graph @g(%x: f32[2]) {
              %a = Relu(%x) : f32[2]
              %b = Neg(%a) : f32[2]
              return %b
            }
            """;

    private static Optional<String> check(String... directives) {
        return FileCheck.check(OUTPUT, FileCheck.directives(List.of(directives), 1));
    }

    @Test
    void matchingChecksPass() {
        assertEquals(Optional.empty(), check("// CHECK-LABEL: graph @g", "// CHECK-NEXT: Relu", "// CHECK-SAME: f32[2]",
                "// CHECK-NEXT: %b = Neg(%a)", "// CHECK-NOT: Sigmoid", "// CHECK: return %b"));
    }

    @Test
    void checkFailsWhenAbsentOrOutOfOrder() {
        assertTrue(check("// CHECK: Sigmoid").orElseThrow().contains("expected pattern not found"));
        assertTrue(check("// CHECK: Neg", "// CHECK: Relu").isPresent());
    }

    @Test
    void checkNextRequiresTheVeryNextLine() {
        assertTrue(check("// CHECK: graph", "// CHECK-NEXT: Neg").isPresent());
        assertEquals(Optional.empty(), check("// CHECK: graph", "// CHECK-NEXT: Relu"));
    }

    @Test
    void checkSameStaysOnTheLine() {
        assertTrue(check("// CHECK: Relu", "// CHECK-SAME: Neg").isPresent());
    }

    @Test
    void checkNotFailsWhenThePatternAppearsBetweenMatches() {
        String failure = check("// CHECK: graph", "// CHECK-NOT: Relu", "// CHECK: return").orElseThrow();
        assertTrue(failure.contains("excluded pattern found at output line 2"), failure);
        // After the last positive match, CHECK-NOT looks to the end.
        assertTrue(check("// CHECK: graph", "// CHECK-NOT: return").isPresent());
        // Before it, only up to the next match.
        assertEquals(Optional.empty(), check("// CHECK: Neg", "// CHECK-NOT: Relu", "// CHECK: return"));
    }

    @Test
    void regexAndVariables() {
        assertEquals(Optional.empty(), check("// CHECK: %[[V:[a-z]+]] = Relu", "// CHECK: Neg(%[[V]])",
                "// CHECK: return %{{[a-z]}}"));
        assertTrue(check("// CHECK: %[[V:[a-z]+]] = Neg", "// CHECK: return %[[V]]x").isPresent());
    }

    @Test
    void whitespaceRunsMatchAnyWhitespace() {
        assertEquals(Optional.empty(), check("// CHECK:    %a   =   Relu(%x)"));
    }

    @Test
    void directivesCarryTheirFileLine() {
        List<FileCheck.Directive> d = FileCheck.directives(List.of("graph", "// CHECK-NEXT: x"), 10);
        assertEquals(11, d.getFirst().line());
        assertEquals(FileCheck.Kind.NEXT, d.getFirst().kind());
    }
}
