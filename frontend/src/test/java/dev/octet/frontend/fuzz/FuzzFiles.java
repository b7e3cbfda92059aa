package dev.octet.frontend.fuzz;

import dev.octet.frontend.TensorFileException;
import dev.octet.ir.IrException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The readers take files: each fuzz input is written to one file in a private directory (so an ONNX model's
 * external-data references have nothing to find beside it). The documented failures are {@link IrException}
 * (which covers {@code OnnxException}) and {@link TensorFileException}; anything else escaping is a finding.
 */
final class FuzzFiles {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("octet-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FuzzFiles() {
    }

    static <T> T read(byte[] input, String fileName, Function<Path, T> reader) {
        Path file = DIR.resolve(fileName);
        try {
            Files.write(file, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return reader.apply(file);
        } catch (IrException | TensorFileException expected) {
            return null;
        }
    }
}
