package dev.octet.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFormatTest {
    @Test
    void readsAFileWrittenByNumpy() {
        // testdata/scripts/make_tiny_inputs.py wrote it with numpy's np.save.
        Tensor t = NpyFormat.read(Path.of(System.getProperty("octet.testdata"), "models", "mlp-tiny.input.npy"));
        assertEquals(TensorType.of(ElementType.F32, 8, 16), t.type());
        double sumSquares = 0;
        for (float v : t.floats()) {
            sumSquares += v * v;
        }
        assertTrue(sumSquares > 60 && sumSquares < 200, "standard normal data, got sum of squares " + sumSquares);
    }

    @Test
    void everyElementTypeAndRankRoundTrips(@TempDir Path dir) {
        long[][] shapes = {{}, {5}, {2, 3}, {1, 2, 3}};
        for (ElementType et : ElementType.values()) {
            for (long[] shape : shapes) {
                Tensor t = Tensor.random(TensorType.of(et, shape), 3).withLiteral(null);
                Path f = dir.resolve(et + "-" + shape.length + ".npy");
                NpyFormat.write(t, f);
                assertEquals(t, NpyFormat.read(f), et + " " + Shape.of(shape));
            }
        }
    }

    @Test
    void float64IsReadAsFloat32(@TempDir Path dir) throws Exception {
        Path f = write(dir, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 0);
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-2.5);
        Files.write(f, data.array(), java.nio.file.StandardOpenOption.APPEND);
        assertArrayEquals(new float[] {0.1f, -2.5f}, NpyFormat.read(f).floats());
    }

    @Test
    void badFilesGiveOneLineErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        Path truncated = write(dir, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }", 0);
        Files.write(truncated, new byte[40], java.nio.file.StandardOpenOption.APPEND);
        expect(truncated, "needs 4000000 data bytes, the file has 40");
        Path huge = write(dir, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 1000000), }", 0);
        expect(huge, "needs 4000000000000000000 data bytes");
        Path overflow = write(dir, "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 4), }", 0);
        expect(overflow, "overflows");
        expect(write(dir, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8), "unsupported dtype '<c8'");
        expect(write(dir, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 4), "Fortran-order");
        expect(write(dir, "{'descr': '<f4', 'shape': (1,), }", 4), "malformed header");
        Path notNpy = dir.resolve("x.npy");
        Files.writeString(notNpy, "hello world, not numpy");
        expect(notNpy, "not a .npy file");
        Path empty = dir.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        expect(empty, "not a .npy file");
    }

    private static void expect(Path f, String text) {
        TensorFileException e = assertThrows(TensorFileException.class, () -> NpyFormat.read(f));
        assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(text), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    /** A v1 .npy header (plus {@code dataBytes} zero bytes of data). */
    private static Path write(Path dir, String header, int dataBytes) throws Exception {
        Path f = Files.createTempFile(dir, "t", ".npy");
        byte[] h = (header + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        Files.write(f, b.array());
        return f;
    }
}
