package dev.octet.backends.jvm;

import dev.octet.backends.jvm.kernels.ScalarKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The constants a generated class reads, laid out in three arrays (float, int, byte) and written as the weight
 * resource: a 32-byte header (magic, version, model hash, the three lengths), the arrays little-endian, and a
 * CRC32 of everything before it. {@link ScalarKernels#readWeights} is the reader.
 */
public final class WeightPack {
    /** A range of one of the weight arrays. */
    public record Ref(Arena arena, int offset, int length) {
    }

    private final List<float[]> floats = new ArrayList<>();
    private final List<int[]> ints = new ArrayList<>();
    private final List<byte[]> bytes = new ArrayList<>();
    private final Map<Object, Ref> added = new IdentityHashMap<>();
    private int floatCount;
    private int intCount;
    private int byteCount;

    public Ref add(float[] v) {
        Ref r = added.get(v);
        if (r == null) {
            r = new Ref(Arena.F32, floatCount, v.length);
            floats.add(v);
            floatCount = Math.addExact(floatCount, v.length);
            added.put(v, r);
        }
        return r;
    }

    public Ref add(int[] v) {
        Ref r = added.get(v);
        if (r == null) {
            r = new Ref(Arena.I32, intCount, v.length);
            ints.add(v);
            intCount = Math.addExact(intCount, v.length);
            added.put(v, r);
        }
        return r;
    }

    public Ref add(byte[] v) {
        Ref r = added.get(v);
        if (r == null) {
            r = new Ref(Arena.I8, byteCount, v.length);
            bytes.add(v);
            byteCount = Math.addExact(byteCount, v.length);
            added.put(v, r);
        }
        return r;
    }

    public int count(Arena arena) {
        return switch (arena) {
            case F32 -> floatCount;
            case I32 -> intCount;
            case I8 -> byteCount;
        };
    }

    /** The weight resource for a model identified by {@code modelHash}. */
    public byte[] serialize(long modelHash) {
        long total = ScalarKernels.WEIGHTS_HEADER_BYTES + 4L * floatCount + 4L * intCount + byteCount + 4;
        if (total > Integer.MAX_VALUE - 8) {
            throw new CodegenException("weights of " + total + " bytes exceed the 2 GiB a resource can hold");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(ScalarKernels.WEIGHTS_MAGIC).putInt(ScalarKernels.WEIGHTS_VERSION).putLong(modelHash)
                .putInt(floatCount).putInt(intCount).putInt(byteCount).putInt(0);
        for (float[] f : floats) {
            buf.asFloatBuffer().put(f);
            buf.position(buf.position() + 4 * f.length);
        }
        for (int[] i : ints) {
            buf.asIntBuffer().put(i);
            buf.position(buf.position() + 4 * i.length);
        }
        for (byte[] b : bytes) {
            buf.put(b);
        }
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    /** Bytes of all weights (the payload, without header and checksum). */
    public long payloadBytes() {
        return 4L * floatCount + 4L * intCount + byteCount;
    }

}
