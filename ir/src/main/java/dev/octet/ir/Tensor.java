package dev.octet.ir;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An immutable tensor value with a static shape, stored unboxed in one primitive array:
 * {@code float[]} for f32, {@code short[]} of IEEE half bits for f16, {@code byte[]} for i8/u8/bool,
 * {@code short[]} for i16, {@code int[]} for i32 and {@code long[]} for i64.
 *
 * <p>The typed accessors ({@link #floats()}, {@link #bytes()}, ...) return the backing array without a copy,
 * for speed in the reference evaluator: callers must not modify it. Factories that take an array take
 * ownership of it.
 *
 * <p>A tensor may remember the {@link Literal} it was written as (a fill or a side-file reference), so the text
 * form prints it back the same way.
 */
public final class Tensor {

    /** Largest element count a tensor may have; checked before any allocation. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** How a constant was spelled in IR text, kept so that printing reproduces it. */
    public sealed interface Literal permits Splat, Random, External {
    }

    /** Every element equal to {@code value}. */
    public record Splat(double value) implements Literal {
    }

    /** Deterministic pseudo-random fill (SplitMix64 via {@link SplittableRandom}), see {@link #random}. */
    public record Random(long seed) implements Literal {
    }

    /** Little-endian raw data in a side file, {@code path} relative to the IR file. */
    public record External(String path, long offset) implements Literal {
    }

    private final TensorType type;
    private final Object data;
    private final Literal literal;

    private Tensor(TensorType type, Object data, Literal literal) {
        this.type = type;
        this.data = data;
        this.literal = literal;
    }

    /** Wraps {@code array} (taking ownership) as a tensor of {@code type}. */
    public static Tensor of(TensorType type, Object array) {
        int n = checkedCount(type);
        Class<?> expected = storageClass(type.elementType());
        if (array == null || array.getClass() != expected) {
            throw new IllegalArgumentException("a " + type.elementType() + " tensor is stored in "
                    + expected.getSimpleName() + ", got " + (array == null ? "null" : array.getClass().getSimpleName()));
        }
        if (java.lang.reflect.Array.getLength(array) != n) {
            throw new IllegalArgumentException("tensor " + type + " needs " + n + " elements, got "
                    + java.lang.reflect.Array.getLength(array));
        }
        return new Tensor(type, array, null);
    }

    public static Tensor ofFloats(Shape shape, float... values) {
        return of(TensorType.of(ElementType.F32, shape), values);
    }

    public static Tensor scalarFloat(float v) {
        return of(TensorType.of(ElementType.F32, Shape.SCALAR), new float[] {v});
    }

    public static Tensor ofLongs(Shape shape, long... values) {
        return of(TensorType.of(ElementType.I64, shape), values);
    }

    /** All elements zero. */
    public static Tensor zeros(TensorType type) {
        return new Tensor(type, allocate(type.elementType(), checkedCount(type)), null);
    }

    /** Converts doubles into the element type (integers must be exact and in range). */
    public static Tensor fromDoubles(TensorType type, double[] values) {
        int n = checkedCount(type);
        if (values.length != n) {
            throw new IllegalArgumentException("tensor " + type + " needs " + n + " elements, got " + values.length);
        }
        Object data = allocate(type.elementType(), n);
        for (int i = 0; i < n; i++) {
            store(type.elementType(), data, i, values[i]);
        }
        return new Tensor(type, data, null);
    }

    /**
     * Narrows 64-bit integers into an integer type with two's-complement wrap-around (the semantics of
     * integer overflow in ONNX ops); bool stores any non-zero value as 1.
     */
    public static Tensor fromLongsWrapping(TensorType type, long[] values) {
        int n = checkedCount(type);
        if (values.length != n) {
            throw new IllegalArgumentException("tensor " + type + " needs " + n + " elements, got " + values.length);
        }
        ElementType et = type.elementType();
        Object data = allocate(et, n);
        for (int i = 0; i < n; i++) {
            long v = values[i];
            switch (et) {
                case I8, U8 -> ((byte[]) data)[i] = (byte) v;
                case BOOL -> ((byte[]) data)[i] = (byte) (v != 0 ? 1 : 0);
                case I16 -> ((short[]) data)[i] = (short) v;
                case I32 -> ((int[]) data)[i] = (int) v;
                case I64 -> ((long[]) data)[i] = v;
                case F32, F16 -> throw new IllegalArgumentException("fromLongsWrapping on a " + et + " tensor");
            }
        }
        return new Tensor(type, data, null);
    }

    public static Tensor splat(TensorType type, double value) {
        int n = checkedCount(type);
        Object data = allocate(type.elementType(), n);
        store(type.elementType(), data, 0, value);
        fillFromFirst(data);
        return new Tensor(type, data, new Splat(value));
    }

    /**
     * A deterministic pseudo-random tensor: floats uniform in [-1, 1), integers uniform over the type's whole
     * range, bools 0 or 1. The same seed gives the same values on every JVM.
     */
    public static Tensor random(TensorType type, long seed) {
        int n = checkedCount(type);
        ElementType et = type.elementType();
        Object data = allocate(et, n);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            switch (et) {
                case F32, F16 -> store(et, data, i, (float) (rng.nextDouble() * 2 - 1));
                case BOOL -> store(et, data, i, rng.nextInt(2));
                case I64 -> ((long[]) data)[i] = rng.nextLong();
                default -> store(et, data, i, rng.nextLong(et.minValue(), et.maxValue() + 1));
            }
        }
        return new Tensor(type, data, new Random(seed));
    }

    /** The same data marked as having been read from a side file, so the printer refers to it again. */
    public Tensor withLiteral(Literal newLiteral) {
        return new Tensor(type, data, newLiteral);
    }

    /**
     * The same data under another type with the same element type and element count (a reshape, or
     * adding or dropping quantization parameters).
     */
    public Tensor withType(TensorType newType) {
        if (newType.elementType() != type.elementType() || checkedCount(newType) != size()) {
            throw new IllegalArgumentException("cannot view " + type + " as " + newType);
        }
        return new Tensor(newType, data, literal);
    }

    /** Rows {@code [start, start + count)} along the first dimension, as a new tensor (a batch of samples). */
    public Tensor rows(int start, int count) {
        long[] dims = type.shape().sizes();
        if (dims.length == 0 || start < 0 || count < 0 || start + count > dims[0]) {
            throw new IllegalArgumentException("rows [" + start + ", " + (start + count) + ") of " + type);
        }
        int per = dims[0] == 0 ? 0 : (int) (size() / dims[0]);
        dims[0] = count;
        Object part = allocate(type.elementType(), count * per);
        System.arraycopy(data, start * per, part, 0, count * per);
        return new Tensor(type.withShape(Shape.of(dims)), part, null);
    }

    /** The rows of {@code parts} one after another (what {@link #rows} cut): same element type and row shape. */
    public static Tensor concatRows(java.util.List<Tensor> parts) {
        Tensor first = parts.getFirst();
        long[] dims = first.type.shape().sizes();
        long total = 0;
        for (Tensor t : parts) {
            long[] d = t.type.shape().sizes();
            if (t.elementType() != first.elementType() || d.length != dims.length || d.length == 0
                    || !Arrays.equals(d, 1, d.length, dims, 1, dims.length)) {
                throw new IllegalArgumentException("cannot put the rows of " + t.type + " after " + first.type);
            }
            total += d[0];
        }
        dims[0] = total;
        TensorType type = first.type.withShape(Shape.of(dims));
        Object out = allocate(type.elementType(), checkedCount(type));
        int at = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.data, 0, out, at, t.size());
            at += t.size();
        }
        return new Tensor(type, out, null);
    }

    public TensorType type() {
        return type;
    }

    public Shape shape() {
        return type.shape();
    }

    public ElementType elementType() {
        return type.elementType();
    }

    /** The literal this tensor was written as, or null for plain data. */
    public Literal literal() {
        return literal;
    }

    public int size() {
        return java.lang.reflect.Array.getLength(data);
    }

    public float[] floats() {
        return (float[]) expect(ElementType.F32);
    }

    public byte[] bytes() {
        if (type.elementType() != ElementType.I8 && type.elementType() != ElementType.U8
                && type.elementType() != ElementType.BOOL) {
            throw new IllegalStateException("bytes() on a " + type.elementType() + " tensor");
        }
        return (byte[]) data;
    }

    public short[] shorts() {
        if (type.elementType() != ElementType.I16 && type.elementType() != ElementType.F16) {
            throw new IllegalStateException("shorts() on a " + type.elementType() + " tensor");
        }
        return (short[]) data;
    }

    public int[] ints() {
        return (int[]) expect(ElementType.I32);
    }

    public long[] longs() {
        return (long[]) expect(ElementType.I64);
    }

    /** Element {@code i} as a double (exact for every type but i64 beyond 2^53). */
    public double getDouble(int i) {
        return switch (type.elementType()) {
            case F32 -> ((float[]) data)[i];
            case F16 -> Float.float16ToFloat(((short[]) data)[i]);
            case I64 -> ((long[]) data)[i];
            default -> getLong(i);
        };
    }

    /** Element {@code i} of an integer or bool tensor, u8 read as unsigned. */
    public long getLong(int i) {
        return switch (type.elementType()) {
            case I8, BOOL -> ((byte[]) data)[i];
            case U8 -> ((byte[]) data)[i] & 0xFF;
            case I16 -> ((short[]) data)[i];
            case I32 -> ((int[]) data)[i];
            case I64 -> ((long[]) data)[i];
            case F32, F16 -> throw new IllegalStateException("getLong on a " + type.elementType() + " tensor");
        };
    }

    /** Copies all elements into a new double array. */
    public double[] toDoubles() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** Copies all elements of an integer tensor into a new long array. */
    public long[] toLongs() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    /** Element count of a static type, checked against {@link #MAX_ELEMENTS} before anything is allocated. */
    public static int checkedCount(TensorType type) {
        if (!type.shape().isStatic()) {
            throw new IllegalArgumentException("tensor type " + type + " has a symbolic dimension");
        }
        long n;
        try {
            n = type.shape().elementCount();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor " + type + " has more elements than fit in 64 bits");
        }
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException("tensor " + type + " has " + n + " elements, more than the limit "
                    + MAX_ELEMENTS);
        }
        return (int) n;
    }

    public static Object allocate(ElementType et, int n) {
        return switch (et) {
            case F32 -> new float[n];
            case F16, I16 -> new short[n];
            case I8, U8, BOOL -> new byte[n];
            case I32 -> new int[n];
            case I64 -> new long[n];
        };
    }

    static Class<?> storageClass(ElementType et) {
        return allocate(et, 0).getClass();
    }

    /** Stores {@code v} at {@code i}; integers must be integral and in range. */
    static void store(ElementType et, Object data, int i, double v) {
        if (et.isInteger() || et == ElementType.BOOL) {
            if (v != Math.rint(v) || v < et.minValue() || v > et.maxValue()) {
                throw new IllegalArgumentException("value " + v + " is not a valid " + et);
            }
        }
        switch (et) {
            case F32 -> ((float[]) data)[i] = (float) v;
            case F16 -> ((short[]) data)[i] = Float.floatToFloat16((float) v);
            case I8, U8, BOOL -> ((byte[]) data)[i] = (byte) (long) v;
            case I16 -> ((short[]) data)[i] = (short) v;
            case I32 -> ((int[]) data)[i] = (int) v;
            case I64 -> ((long[]) data)[i] = (long) v;
        }
    }

    private static void fillFromFirst(Object data) {
        switch (data) {
            case float[] a -> Arrays.fill(a, a.length == 0 ? 0 : a[0]);
            case short[] a -> Arrays.fill(a, a.length == 0 ? 0 : a[0]);
            case byte[] a -> Arrays.fill(a, a.length == 0 ? 0 : a[0]);
            case int[] a -> Arrays.fill(a, a.length == 0 ? 0 : a[0]);
            case long[] a -> Arrays.fill(a, a.length == 0 ? 0 : a[0]);
            default -> throw new IllegalStateException();
        }
    }

    private Object expect(ElementType et) {
        if (type.elementType() != et) {
            throw new IllegalStateException("expected a " + et + " tensor, got " + type.elementType());
        }
        return data;
    }

    /** Equal type and identical bits (NaN equals NaN), whatever the literal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.type.equals(type) && Objects.deepEquals(t.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + switch (data) {
            case float[] a -> Arrays.hashCode(a);
            case short[] a -> Arrays.hashCode(a);
            case byte[] a -> Arrays.hashCode(a);
            case int[] a -> Arrays.hashCode(a);
            case long[] a -> Arrays.hashCode(a);
            default -> 0;
        };
    }

    @Override
    public String toString() {
        int shown = Math.min(size(), 8);
        StringBuilder sb = new StringBuilder("Tensor<").append(type).append(">[");
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(type.elementType().isFloat()
                    ? Floats.format((float) getDouble(i)) : Long.toString(getLong(i)));
        }
        return sb.append(size() > shown ? ", ...]" : "]").toString();
    }
}
