package dev.octet.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's testdata/ directory; the build passes it in, and its absence is an error, not a skip. */
final class TestData {
    private TestData() {
    }

    static Path root() {
        String dir = System.getProperty("octet.testdata");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            throw new IllegalStateException("system property octet.testdata must name the testdata directory, got "
                    + dir);
        }
        return Path.of(dir).normalize();
    }
}
