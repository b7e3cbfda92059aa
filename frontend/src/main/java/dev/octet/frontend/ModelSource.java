package dev.octet.frontend;

import dev.octet.ir.Graph;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A model read from disk and every file it was read from: the model file first, then the data files its tensors
 * came from (ONNX external data, the side files of {@code .oir} text) in order of first use. What identifies a
 * model is all of them: with external data, the weights are not in the model file.
 */
public record ModelSource(Graph graph, List<Path> files) {
    public ModelSource {
        files = List.copyOf(files);
    }

    /** SHA-256 (hex) over each file's length and bytes, in order; streamed (external data can exceed 2 GB). */
    public String sha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                md.update(ByteBuffer.allocate(Long.BYTES).putLong(Files.size(f)).array());
                try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes on disk of all the files. */
    public long bytes() {
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return total;
    }
}
