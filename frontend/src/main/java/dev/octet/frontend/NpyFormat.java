package dev.octet.frontend;

import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorBytes;
import dev.octet.ir.TensorType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1 to 3, C order, little-endian): float32, float64
 * (read as float32, the precision Octet computes in), int64, int32, int16, int8, uint8 and bool. The declared
 * shape is checked against the file size before anything is allocated.
 */
public final class NpyFormat {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFormat() {
    }

    public static Tensor read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 12)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, head, 0);
            head.flip();
            if (head.remaining() < 10 || !startsWithMagic(head)) {
                throw error(file, "not a .npy file (bad magic)");
            }
            int major = head.get(6) & 0xFF;
            int headerLenBytes = major == 1 ? 2 : 4;
            if (major < 1 || major > 3 || head.remaining() < 8 + headerLenBytes) {
                throw error(file, "unsupported .npy version " + major);
            }
            long headerLen = major == 1 ? head.getShort(8) & 0xFFFF : head.getInt(8) & 0xFFFFFFFFL;
            long dataStart = 8 + headerLenBytes + headerLen;
            if (headerLen > MAX_HEADER || dataStart > size) {
                throw error(file, "header length " + headerLen + " is invalid for a file of " + size + " bytes");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBytes, 8 + headerLenBytes);
            String header = new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = parseHeader(file, header);
            long count;
            try {
                count = h.shape.elementCount();
            } catch (ArithmeticException e) {
                throw error(file, "shape " + h.shape + " overflows");
            }
            long needed = Math.multiplyExact(count, (long) h.fileElementSize);
            if (size - dataStart < needed) {
                throw error(file, "shape " + h.shape + " of " + h.descr + " needs " + needed + " data bytes, the file has "
                        + (size - dataStart));
            }
            if (count > Tensor.MAX_ELEMENTS) {
                throw error(file, "shape " + h.shape + " has more elements than the limit " + Tensor.MAX_ELEMENTS);
            }
            ByteBuffer data = ByteBuffer.allocate((int) needed).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, data, dataStart);
            data.flip();
            if (h.descr.equals("<f8")) {
                float[] f = new float[(int) count];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) data.getDouble();
                }
                return Tensor.of(TensorType.of(ElementType.F32, h.shape), f);
            }
            return TensorBytes.read(TensorType.of(h.type, h.shape), data);
        } catch (IOException e) {
            throw new TensorFileException(file + ": cannot read: " + e.getMessage());
        }
    }

    private record Header(String descr, ElementType type, int fileElementSize, Shape shape) {
    }

    private static Header parseHeader(Path file, String header) {
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw error(file, "malformed header " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw error(file, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        String descr = d.group(1).replace("|", "<");
        ElementType type;
        int size;
        switch (descr) {
            case "<f4" -> { type = ElementType.F32; size = 4; }
            case "<f8" -> { type = ElementType.F32; size = 8; }
            case "<f2" -> { type = ElementType.F16; size = 2; }
            case "<i8" -> { type = ElementType.I64; size = 8; }
            case "<i4" -> { type = ElementType.I32; size = 4; }
            case "<i2" -> { type = ElementType.I16; size = 2; }
            case "<i1" -> { type = ElementType.I8; size = 1; }
            case "<u1" -> { type = ElementType.U8; size = 1; }
            case "<b1" -> { type = ElementType.BOOL; size = 1; }
            default -> throw error(file, "unsupported dtype '" + d.group(1) + "' (supported: f4, f8, f2, i8, i4, i2, i1, u1, b1, little-endian)");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                long dim = Long.parseLong(part.strip().replace("L", ""));
                if (dim < 0) {
                    throw error(file, "negative dimension in shape (" + s.group(1) + ")");
                }
                dims.add(dim);
            } catch (NumberFormatException e) {
                throw error(file, "bad shape (" + s.group(1) + ")");
            }
        }
        return new Header(descr, type, size, Shape.of(dims.stream().mapToLong(Long::longValue).toArray()));
    }

    /** Writes {@code t} as a version 1.0 .npy file. */
    public static void write(Tensor t, Path file) {
        String descr = switch (t.elementType()) {
            case F32 -> "<f4";
            case F16 -> "<f2";
            case I64 -> "<i8";
            case I32 -> "<i4";
            case I16 -> "<i2";
            case I8 -> "|i1";
            case U8 -> "|u1";
            case BOOL -> "|b1";
        };
        long[] dims = t.shape().sizes();
        String shapeText = dims.length == 1 ? "(" + dims[0] + ",)"
                : java.util.Arrays.stream(dims).mapToObj(Long::toString)
                        .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
                + shapeText + ", }");
        // Pad with spaces so that the data starts 64-byte aligned; the header ends with a newline.
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(MAGIC);
            out.write(new byte[] {1, 0, (byte) (header.length() & 0xFF), (byte) (header.length() >> 8)});
            out.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(TensorBytes.write(t));
        } catch (IOException e) {
            throw new TensorFileException(file + ": cannot write: " + e.getMessage());
        }
    }

    private static boolean startsWithMagic(ByteBuffer b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static TensorFileException error(Path file, String message) {
        return new TensorFileException(file + ": " + message);
    }
}
