package dev.octet.frontend;

import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (gzipped or not): unsigned-byte tensors of any rank. Images
 * can be read as float32 scaled to [0, 1] with a channel dimension, as the test models take them.
 */
public final class IdxFormat {
    private IdxFormat() {
    }

    /** The file's tensor as stored (u8). */
    public static Tensor read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw) : raw);
            int magic = in.readInt();
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != 0x08) {
                throw new TensorFileException(file + ": not an unsigned-byte IDX file (magic 0x"
                        + Integer.toHexString(magic) + ")");
            }
            int rank = magic & 0xFF;
            if (rank == 0 || rank > 8) {
                throw new TensorFileException(file + ": IDX rank " + rank + " is not supported");
            }
            long[] dims = new long[rank];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = Integer.toUnsignedLong(in.readInt());
                count = Math.multiplyExact(count, dims[i]);
            }
            if (count > Tensor.MAX_ELEMENTS) {
                throw new TensorFileException(file + ": IDX shape holds " + count + " elements, more than the limit");
            }
            byte[] data = new byte[(int) count];
            try {
                in.readFully(data);
            } catch (java.io.EOFException e) {
                throw new TensorFileException(file + ": IDX data ends before the " + count + " bytes its shape declares");
            }
            return Tensor.of(TensorType.of(ElementType.U8, Shape.of(dims)), data);
        } catch (IOException | ArithmeticException e) {
            throw new TensorFileException(file + ": cannot read IDX: " + e.getMessage());
        }
    }

    /** Images [N, H, W] as float32 [N, 1, H, W] in [0, 1]. */
    public static Tensor readImages(Path file) {
        Tensor t = read(file);
        if (t.shape().rank() != 3) {
            throw new TensorFileException(file + ": expected images [N, H, W], got " + t.shape());
        }
        byte[] b = t.bytes();
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            f[i] = (b[i] & 0xFF) / 255f;
        }
        long[] s = t.shape().sizes();
        return Tensor.of(TensorType.of(ElementType.F32, s[0], 1, s[1], s[2]), f);
    }

    /** Labels [N] as int64. */
    public static long[] readLabels(Path file) {
        return read(file).toLongs();
    }
}
