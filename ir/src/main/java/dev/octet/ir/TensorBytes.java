package dev.octet.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Raw little-endian encoding of tensor data, as used by side files, .npy files and ONNX raw_data. */
public final class TensorBytes {
    private TensorBytes() {
    }

    /** Reads {@link Tensor#checkedCount} elements of {@code type} from {@code buffer}'s position on. */
    public static Tensor read(TensorType type, ByteBuffer buffer) {
        int n = Tensor.checkedCount(type);
        ElementType et = type.elementType();
        long needed = (long) n * et.byteSize();
        if (buffer.remaining() < needed) {
            throw new IllegalArgumentException("tensor " + type + " needs " + needed + " bytes, only "
                    + buffer.remaining() + " available");
        }
        ByteBuffer b = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        Object data = Tensor.allocate(et, n);
        switch (et) {
            case F32 -> b.asFloatBuffer().get((float[]) data);
            case F16, I16 -> b.asShortBuffer().get((short[]) data);
            case I8, U8 -> b.get((byte[]) data);
            case BOOL -> {
                byte[] bytes = (byte[]) data;
                b.get(bytes);
                for (int i = 0; i < n; i++) {
                    bytes[i] = (byte) (bytes[i] != 0 ? 1 : 0);
                }
            }
            case I32 -> b.asIntBuffer().get((int[]) data);
            case I64 -> b.asLongBuffer().get((long[]) data);
        }
        buffer.position(buffer.position() + (int) needed);
        return Tensor.of(type, data);
    }

    /** The tensor's elements as little-endian bytes. */
    public static byte[] write(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(t.size(), t.elementType().byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (t.elementType()) {
            case F32 -> b.asFloatBuffer().put(t.floats());
            case F16, I16 -> b.asShortBuffer().put(t.shorts());
            case I8, U8, BOOL -> b.put(t.bytes());
            case I32 -> b.asIntBuffer().put(t.ints());
            case I64 -> b.asLongBuffer().put(t.longs());
        }
        return b.array();
    }
}
