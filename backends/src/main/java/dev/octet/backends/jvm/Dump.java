package dev.octet.backends.jvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code -Doctet.dumpClasses=DIR}: writes every generated class (and its SIMD class) for javap and debugging. */
final class Dump {
    static final String PROPERTY = "octet.dumpClasses";

    private Dump() {
    }

    static void maybe(CompiledModel m) {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            Path base = Path.of(dir).resolve(m.className().replace('.', '/'));
            Files.createDirectories(base.getParent());
            Files.write(base.resolveSibling(m.simpleName() + ".class"), m.classBytes());
            if (m.simdClass().length > 0) {
                Files.write(base.resolveSibling(m.simpleName() + "$Simd.class"), m.simdClass());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot dump generated classes to " + dir, e);
        }
    }
}
