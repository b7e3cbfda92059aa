package dev.octet.testkit;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every pass test and diagnostics test under testdata/. */
class PassFileTest {
    @TestFactory
    Stream<DynamicTest> passTests() {
        return PassTests.inDirectory(TestData.root().resolve("passes"));
    }

    @TestFactory
    Stream<DynamicTest> irDiagnostics() {
        return PassTests.inDirectory(TestData.root().resolve("ir"));
    }
}
