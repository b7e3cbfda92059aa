package dev.octet.testkit;

import dev.octet.passes.PassRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * JUnit 5 entry point for pass tests: one dynamic test per {@code .oir} file with a RUN line.
 * <pre>
 * &#64;TestFactory
 * Stream&lt;DynamicTest&gt; passTests() {
 *     return PassTests.inDirectory(Path.of("src/test/passes"));
 * }
 * </pre>
 * Passes come from every {@link dev.octet.passes.PassProvider} on the test class path, so a user's own passes are
 * tested the same way as Octet's.
 */
public final class PassTests {
    private PassTests() {
    }

    public static Stream<DynamicTest> inDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("pass test directory " + dir.toAbsolutePath() + " does not exist");
        }
        List<Path> files = irFiles(dir).stream().filter(PassTestFile::isPassTest).toList();
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no pass tests (.oir files with a RUN line) under " + dir);
        }
        PassRegistry registry = PassRegistry.load();
        return files.stream().map(f -> DynamicTest.dynamicTest(dir.relativize(f).toString(), f.toUri(),
                () -> PassTestFile.read(f).run(registry)));
    }

    /** Every {@code .oir} file under {@code dir}, sorted. */
    public static List<Path> irFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".oir")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
