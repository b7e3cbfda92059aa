package dev.octet.maven;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a compiled class was built from, kept between builds to skip unchanged models: a SHA-256 over the input
 * files and the options, and the model's data files (external weights) it covered. The data files are known only
 * after reading the model, so the stamp lists them for the next build's check. Stored as the fingerprint's line
 * followed by one line per data file.
 */
record BuildStamp(String fingerprint, List<Path> dataFiles) {
    BuildStamp {
        dataFiles = List.copyOf(dataFiles);
    }

    /**
     * The stamp of {@code model} with its {@code dataFiles}, the {@code otherInputs} (calibration, validation,
     * labels; null where absent) and the {@code options} text.
     */
    static BuildStamp of(Path model, List<Path> dataFiles, List<Path> otherInputs, String options) throws IOException {
        List<Path> inputs = new ArrayList<>();
        inputs.add(model);
        inputs.addAll(dataFiles);
        inputs.addAll(otherInputs);
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path f : inputs) {
            md.update((f == null ? "-" : f.getFileName().toString()).getBytes(StandardCharsets.UTF_8));
            if (f != null && Files.isRegularFile(f)) {
                try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
        md.update(options.getBytes(StandardCharsets.UTF_8));
        return new BuildStamp(HexFormat.of().formatHex(md.digest()), dataFiles);
    }

    /** Whether the same inputs, read again, still give this stamp. */
    boolean matches(Path model, List<Path> otherInputs, String options) throws IOException {
        return equals(of(model, dataFiles, otherInputs, options));
    }

    /** The stamp in {@code file}, or null when there is none (or it cannot be read: the model is then rebuilt). */
    static BuildStamp read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? null
                    : new BuildStamp(lines.getFirst(), lines.stream().skip(1).map(Path::of).toList());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder(fingerprint);
        dataFiles.forEach(f -> text.append('\n').append(f));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text);
    }
}
