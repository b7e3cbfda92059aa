package dev.octet.frontend.onnx;

import dev.octet.frontend.onnx.proto.Onnx.StringStringEntryProto;
import dev.octet.frontend.onnx.proto.Onnx.TensorProto;
import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorBytes;
import dev.octet.ir.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * TensorProto to {@link Tensor}: raw_data, the typed fields, or external data in a file next to the model. Every
 * size is checked against the limits and against the data actually present before anything is allocated.
 */
final class TensorDecoder {
    private final Path baseDir;
    private final ImportLimits limits;
    private final Consumer<Path> dataFiles;
    private long totalBytes;

    ImportLimits limits() {
        return limits;
    }

    TensorDecoder(Path baseDir, ImportLimits limits) {
        this(baseDir, limits, dataFile -> { });
    }

    TensorDecoder(Path baseDir, ImportLimits limits, Consumer<Path> dataFiles) {
        this.baseDir = baseDir;
        this.limits = limits;
        this.dataFiles = dataFiles;
    }

    static ElementType elementType(int code, String what) {
        return ElementType.fromOnnxCode(code).orElseThrow(() -> new OnnxException(what + " has data type "
                + dataTypeName(code) + ", which Octet does not support"));
    }

    static String dataTypeName(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return t == null ? "#" + code : t.name();
    }

    Tensor decode(TensorProto t, String what) {
        ElementType et = elementType(t.getDataType(), what);
        long[] dims = new long[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw new OnnxException(what + " has negative dimension " + dims[i]);
            }
            try {
                count = Math.multiplyExact(count, dims[i]);
            } catch (ArithmeticException e) {
                throw new OnnxException(what + " has dimensions " + java.util.Arrays.toString(dims) + " that overflow");
            }
        }
        if (count > limits.maxTensorElements()) {
            throw new OnnxException(what + " has " + count + " elements, more than the limit "
                    + limits.maxTensorElements());
        }
        long bytes = count * et.byteSize();
        totalBytes += bytes;
        if (totalBytes > limits.maxTotalTensorBytes()) {
            throw new OnnxException(what + ": the model's tensors exceed the limit of " + limits.maxTotalTensorBytes()
                    + " bytes");
        }
        TensorType type = TensorType.of(et, Shape.of(dims));
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return external(t, type, bytes, what);
        }
        if (t.hasRawData()) {
            if (t.getRawData().size() != bytes) {
                throw new OnnxException(what + " of type " + type + " needs " + bytes + " bytes of raw_data, has "
                        + t.getRawData().size());
            }
            return TensorBytes.read(type, t.getRawData().asReadOnlyByteBuffer());
        }
        return typedFields(t, type, (int) count, what);
    }

    private static Tensor typedFields(TensorProto t, TensorType type, int count, String what) {
        ElementType et = type.elementType();
        int present = switch (et) {
            case F32 -> t.getFloatDataCount();
            case I64 -> t.getInt64DataCount();
            default -> t.getInt32DataCount();
        };
        if (present != count) {
            throw new OnnxException(what + " of type " + type + " needs " + count + " elements, has " + present);
        }
        switch (et) {
            case F32 -> {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    f[i] = t.getFloatData(i);
                }
                return Tensor.of(type, f);
            }
            case I64 -> {
                long[] l = new long[count];
                for (int i = 0; i < count; i++) {
                    l[i] = t.getInt64Data(i);
                }
                return Tensor.of(type, l);
            }
            case F16 -> {
                short[] s = new short[count];
                for (int i = 0; i < count; i++) {
                    s[i] = (short) t.getInt32Data(i);
                }
                return Tensor.of(type, s);
            }
            default -> {
                long[] l = new long[count];
                for (int i = 0; i < count; i++) {
                    l[i] = t.getInt32Data(i);
                    if (l[i] < et.minValue() || l[i] > et.maxValue()) {
                        throw new OnnxException(what + " holds " + l[i] + ", not a valid " + et);
                    }
                }
                return Tensor.fromLongsWrapping(type, l);
            }
        }
    }

    private Tensor external(TensorProto t, TensorType type, long bytes, String what) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { } // checksum and others: not needed to read the data
                }
            } catch (NumberFormatException ex) {
                throw new OnnxException(what + ": external data " + e.getKey() + " '" + e.getValue() + "' is not a number");
            }
        }
        if (location == null || location.isEmpty()) {
            throw new OnnxException(what + ": external data has no location");
        }
        Path rel = Path.of(location);
        Path file = baseDir.resolve(rel).normalize();
        if (rel.isAbsolute() || !file.startsWith(baseDir.normalize())) {
            throw new OnnxException(what + ": external data location '" + location + "' is outside the model's directory");
        }
        if (length >= 0 && length != bytes) {
            throw new OnnxException(what + " of type " + type + " needs " + bytes + " bytes, external data declares "
                    + length);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset < 0 || offset > ch.size() || ch.size() - offset < bytes) {
                throw new OnnxException(what + ": external data file '" + location + "' has " + ch.size()
                        + " bytes, the tensor needs " + bytes + " at offset " + offset);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) bytes);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
            buf.flip();
            dataFiles.accept(file);
            return TensorBytes.read(type, buf);
        } catch (IOException e) {
            throw new OnnxException(what + ": cannot read external data '" + location + "': " + e.getMessage());
        }
    }
}
