package dev.octet.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Tensor;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFormatTest {
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void readsFashionMnistAndAgreesWithTheNpySlice() {
        Tensor images = IdxFormat.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"));
        long[] labels = IdxFormat.readLabels(FASHION.resolve("t10k-labels-idx1-ubyte.gz"));
        assertEquals("f32[10000,1,28,28]", images.type().toString());
        assertEquals(10_000, labels.length);
        Path testdata = Path.of(System.getProperty("octet.testdata"));
        float[] slice = NpyFormat.read(testdata.resolve("data/fashion-test-1000.npy")).floats();
        assertArrayEquals(slice, java.util.Arrays.copyOf(images.floats(), slice.length));
        long[] sliceLabels = NpyFormat.read(testdata.resolve("data/fashion-test-1000-labels.npy")).longs();
        assertArrayEquals(sliceLabels, java.util.Arrays.copyOf(labels, 1000));
    }

    @Test
    void plainAndTruncatedFiles(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("x.idx");
        Files.write(plain, new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9});
        assertArrayEquals(new long[] {7, 8, 9}, IdxFormat.readLabels(plain));
        Path truncated = dir.resolve("t.idx.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(truncated))) {
            out.write(new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2});
        }
        TensorFileException e = assertThrows(TensorFileException.class, () -> IdxFormat.read(truncated));
        assertTrue(e.getMessage().contains("ends before the 1568 bytes"), e.getMessage());
        Path notIdx = dir.resolve("n.idx");
        Files.writeString(notIdx, "hello");
        assertThrows(TensorFileException.class, () -> IdxFormat.read(notIdx));
    }
}
