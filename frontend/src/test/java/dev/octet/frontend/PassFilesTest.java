package dev.octet.frontend;

import dev.octet.testkit.PassTests;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** FileCheck pass tests of the passes that read files (registered by this module): src/test/passes. */
class PassFilesTest {
    @TestFactory
    Stream<DynamicTest> passTests() {
        return PassTests.inDirectory(Path.of("src/test/passes"));
    }
}
