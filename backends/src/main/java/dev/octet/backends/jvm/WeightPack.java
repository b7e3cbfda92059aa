package dev.octet.backends.jvm;

import dev.octet.backends.jvm.kernels.ScalarKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
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

    private final Map<Arena, List<Object>> arrays = new EnumMap<>(Arena.class);
    private final Map<Arena, Integer> counts = new EnumMap<>(Arena.class);
    private final Map<Object, Ref> added = new IdentityHashMap<>();

    public WeightPack() {
        for (Arena a : Arena.values()) {
            arrays.put(a, new ArrayList<>());
            counts.put(a, 0);
        }
    }

    public Ref add(float[] v) {
        return add(v, Arena.F32, v.length);
    }

    public Ref add(int[] v) {
        return add(v, Arena.I32, v.length);
    }

    public Ref add(byte[] v) {
        return add(v, Arena.I8, v.length);
    }

    /** Appends an array once (by identity) to the arena's list. */
    private Ref add(Object array, Arena arena, int length) {
        Ref r = added.get(array);
        if (r == null) {
            r = new Ref(arena, count(arena), length);
            arrays.get(arena).add(array);
            counts.merge(arena, length, Math::addExact);
            added.put(array, r);
        }
        return r;
    }

    public int count(Arena arena) {
        return counts.get(arena);
    }

    /** The weight resource for a model identified by {@code modelHash}. */
    public byte[] serialize(long modelHash) {
        int floatCount = count(Arena.F32);
        int intCount = count(Arena.I32);
        int byteCount = count(Arena.I8);
        long total = ScalarKernels.WEIGHTS_HEADER_BYTES + payloadBytes() + 4;
        if (total > Integer.MAX_VALUE - 8) {
            throw new CodegenException("weights of " + total + " bytes exceed the 2 GiB a resource can hold");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(ScalarKernels.WEIGHTS_MAGIC).putInt(ScalarKernels.WEIGHTS_VERSION).putLong(modelHash)
                .putInt(floatCount).putInt(intCount).putInt(byteCount).putInt(0);
        for (Object f : arrays.get(Arena.F32)) {
            buf.asFloatBuffer().put((float[]) f);
            buf.position(buf.position() + 4 * ((float[]) f).length);
        }
        for (Object i : arrays.get(Arena.I32)) {
            buf.asIntBuffer().put((int[]) i);
            buf.position(buf.position() + 4 * ((int[]) i).length);
        }
        for (Object b : arrays.get(Arena.I8)) {
            buf.put((byte[]) b);
        }
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    /** Bytes of all weights (the payload, without header and checksum). */
    public long payloadBytes() {
        return 4L * count(Arena.F32) + 4L * count(Arena.I32) + count(Arena.I8);
    }

}
